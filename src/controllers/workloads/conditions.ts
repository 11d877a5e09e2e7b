// Status conditions with upstream's update rules: a condition with the same status and reason is
// left alone; a status change stamps a new lastTransitionTime, otherwise the old one is kept.
import { nowTimestamp } from '../../api/object.js';
import type { Condition } from './types.js';

export function getCondition(conditions: Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find(c => c.type === type);
}

/** Returns the conditions with `c` set. */
export function setCondition(conditions: Condition[] | undefined, c: Condition): Condition[] {
  const list = conditions ?? [];
  const current = getCondition(list, c.type);
  if (current && current.status === c.status && current.reason === c.reason) return list;
  const next = { ...c };
  if (current && current.status === c.status && current.lastTransitionTime) next.lastTransitionTime = current.lastTransitionTime;
  return [...list.filter(x => x.type !== c.type), next];
}

export function removeCondition(conditions: Condition[] | undefined, type: string): Condition[] | undefined {
  const list = conditions?.filter(c => c.type !== type);
  return list?.length ? list : undefined;
}

export function newCondition(type: string, status: Condition['status'], reason: string, message: string, withUpdateTime = false): Condition {
  const now = nowTimestamp();
  return withUpdateTime
    ? { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message }
    : { type, status, lastTransitionTime: now, reason, message };
}
