// Conditions of Deployments and ReplicaSets, which also carry a lastUpdateTime (the Progressing
// condition's refreshes restart the progress deadline). Setting them follows api/conditions.ts.
import { nowTimestamp } from '../../api/object.js';
import type { Condition } from './types.js';

export function newCondition(type: string, status: Condition['status'], reason: string, message: string, withUpdateTime = false): Condition {
  const now = nowTimestamp();
  return withUpdateTime
    ? { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message }
    : { type, status, lastTransitionTime: now, reason, message };
}
