// Fixtures and helpers shared by the validation tests.
import type { Defaulter } from '../defaults/types.js';
import type { FieldError } from '../errors.js';
import type { Obj } from './types.js';

export const namespaced = { namespaced: true };
export const clusterScoped = { namespaced: false };

export const messages = (errs: FieldError[]): string[] => errs.map(e => e.toString());

/** An object as the server validates it: named, in a namespace (null for cluster scope), defaulted. */
export function defaulted(defaults: Defaulter, body: Obj, namespace: string | null = 'default'): Obj {
  const obj: Obj = { ...structuredClone(body), metadata: { name: 'x', ...(namespace ? { namespace } : {}), ...body.metadata } };
  defaults(obj, 'v1');
  return obj;
}

export const podSpec = (): Obj => ({ containers: [{ name: 'c', image: 'busybox:1.36' }] });

export const template = (labels: Record<string, string> = { app: 'a' }): Obj => ({ metadata: { labels }, spec: podSpec() });
