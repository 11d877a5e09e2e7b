// Pod state as controllers and the eviction API judge it (upstream's podutil): active, terminating,
// ready, available after minReadySeconds.
import type { ConditionLike } from './conditions.js';

/** What of a pod (any typing of it) these judgements read. */
interface Pod {
  metadata?: { deletionTimestamp?: string };
  status?: { phase?: string; conditions?: ConditionLike[] };
}

/** Finished for good: Succeeded or Failed (upstream's IsPodTerminal). */
export function isPodTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Not finished and not being deleted: the pod counts towards its owner's replicas. */
export function isPodActive(pod: Pod): boolean {
  return !isPodTerminal(pod) && !pod.metadata?.deletionTimestamp;
}

export function isPodTerminating(pod: Pod): boolean {
  return Boolean(pod.metadata?.deletionTimestamp);
}

export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** When the pod last became Ready, or undefined if it is not ready. */
export function podReadyTime(pod: Pod): number | undefined {
  const c = pod.status?.conditions?.find(c => c.type === 'Ready' && c.status === 'True');
  return c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : undefined;
}

/** Ready for at least minReadySeconds (upstream podutil.IsPodAvailable). */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now = Date.now()): boolean {
  if (!isPodReady(pod)) return false;
  if (!minReadySeconds) return true;
  const since = podReadyTime(pod);
  return since !== undefined && since + minReadySeconds * 1000 < now;
}

/** Milliseconds until a ready pod becomes available, or undefined if it is available or not ready. */
export function msUntilAvailable(pod: Pod, minReadySeconds: number, now = Date.now()): number | undefined {
  if (!isPodReady(pod) || !minReadySeconds) return undefined;
  const since = podReadyTime(pod);
  if (since === undefined) return undefined;
  const left = since + minReadySeconds * 1000 - now;
  return left >= 0 ? left + 1 : undefined;
}

export function isPodRunningAndReady(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && isPodReady(pod);
}
