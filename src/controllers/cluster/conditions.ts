// Status conditions as upstream keeps them: one entry per type, and lastTransitionTime moves only
// when the status itself changes.
import { nowTimestamp } from '../../api/object.js';
import type { Condition } from './types.js';

/** Returns a copy of `list` with `cond` set; the transition time is kept if the status did not change. */
export function setCondition<C extends Condition>(list: C[] | undefined, cond: C, now = nowTimestamp()): C[] {
  const out = [...(list ?? [])];
  const i = out.findIndex(c => c.type === cond.type);
  const prior = i >= 0 ? out[i] : undefined;
  const next = { ...cond, lastTransitionTime: prior && prior.status === cond.status ? prior.lastTransitionTime ?? now : cond.lastTransitionTime ?? now };
  if (i >= 0) out[i] = next; else out.push(next);
  return out;
}

export function findCondition<C extends Condition>(list: C[] | undefined, type: string): C | undefined {
  return list?.find(c => c.type === type);
}

export function isTrue(list: Condition[] | undefined, type: string): boolean {
  return findCondition(list, type)?.status === 'True';
}
