// The scheduler's own status write for a pod it could not place: PodScheduled=False with the
// reason and message of the attempt, and the node nominated for it. As upstream's updatePod with
// podutil.UpdatePodCondition: lastTransitionTime moves only when the status changes, and a pod
// whose condition and nominated node already say so gets no write at all.
import { changedCondition } from '../api/conditions.js';
import type { Pod } from './types.js';

/**
 * The status patch that records a failed attempt, or undefined when there is nothing to record.
 * `nominatedNode`: '' clears the nomination, undefined leaves it as it is.
 */
export function unschedulableStatusPatch(pod: Pod, reason: string, message: string, nominatedNode?: string, now?: string): { status: Record<string, unknown> } | undefined {
  const condition = changedCondition(pod.status?.conditions, { type: 'PodScheduled', status: 'False', reason, message }, now);
  const nominatedChanged = nominatedNode !== undefined && (pod.status?.nominatedNodeName ?? '') !== nominatedNode;
  if (!condition && !nominatedChanged) return undefined;
  const status: Record<string, unknown> = {};
  // lastProbeTime goes as null, as upstream's zero metav1.Time does (the API type has no null).
  if (condition) status.conditions = [{ ...condition, lastProbeTime: null }];
  if (nominatedChanged) status.nominatedNodeName = nominatedNode || null;
  return { status };
}
