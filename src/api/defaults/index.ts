// Applies upstream's defaults to an object of a served kind, in place.
import { appsDefaults } from './apps.js';
import { batchDefaults } from './batch.js';
import { coreDefaults } from './core.js';
import { otherDefaults } from './other-groups.js';

type Obj = Record<string, any>;

const byGroup: Record<string, Record<string, (o: Obj, version: string) => void>> = { '': coreDefaults, apps: appsDefaults, batch: batchDefaults };

export function applyDefaults(group: string, version: string, kind: string, obj: Obj): void {
  const fn = byGroup[group]?.[kind] ?? otherDefaults[`${group}/${kind}`];
  fn?.(obj, version);
}
