// Taints the node lifecycle controller owns (derived from node conditions and spec.unschedulable)
// and toleration matching for NoExecute eviction, as upstream's taint helpers.
import { tolerates } from '../../api/node-selection.js';
import { findCondition } from './conditions.js';
import type { Node, Pod, Taint, Toleration } from './types.js';

export const UNREACHABLE = 'node.kubernetes.io/unreachable';
export const NOT_READY = 'node.kubernetes.io/not-ready';
export const UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
const PRESSURE: Record<string, string> = {
  MemoryPressure: 'node.kubernetes.io/memory-pressure',
  DiskPressure: 'node.kubernetes.io/disk-pressure',
  PIDPressure: 'node.kubernetes.io/pid-pressure',
  NetworkUnavailable: 'node.kubernetes.io/network-unavailable',
};
const MANAGED = new Set([UNREACHABLE, NOT_READY, UNSCHEDULABLE, ...Object.values(PRESSURE)]);

/** The node's taints with the managed ones replaced by what its conditions call for. */
export function desiredTaints(node: Node, now: string): Taint[] {
  const current = node.spec?.taints ?? [];
  const want: Taint[] = [];
  const ready = findCondition(node.status?.conditions, 'Ready')?.status;
  const readyKey = ready === 'False' ? NOT_READY : ready === 'Unknown' ? UNREACHABLE : undefined;
  if (readyKey) want.push({ key: readyKey, effect: 'NoExecute' }, { key: readyKey, effect: 'NoSchedule' });
  for (const [type, key] of Object.entries(PRESSURE)) {
    if (findCondition(node.status?.conditions, type)?.status === 'True') want.push({ key, effect: 'NoSchedule' });
  }
  if (node.spec?.unschedulable) want.push({ key: UNSCHEDULABLE, effect: 'NoSchedule' });
  const kept = current.filter(t => !MANAGED.has(t.key) || want.some(w => w.key === t.key && w.effect === t.effect));
  for (const w of want) {
    if (kept.some(t => t.key === w.key && t.effect === w.effect)) continue;
    kept.push(w.effect === 'NoExecute' ? { ...w, timeAdded: now } : w);
  }
  return kept;
}

/**
 * When a pod on a node with these NoExecute taints must be evicted: 0 for now (an untolerated
 * taint), undefined for never, else ms since the epoch (the shortest tolerationSeconds counted from
 * when the taint was added).
 */
export function evictionTime(pod: Pod, taints: Taint[], now: number): number | undefined {
  const noExecute = taints.filter(t => t.effect === 'NoExecute');
  let at: number | undefined;
  for (const taint of noExecute) {
    const matching = (pod.spec?.tolerations ?? []).filter(t => tolerates(t, taint));
    if (!matching.length) return 0;
    const bounded = matching.filter(t => t.tolerationSeconds !== undefined && t.tolerationSeconds !== null);
    // Any toleration without a bound tolerates this taint forever.
    if (bounded.length < matching.length) continue;
    const seconds = Math.max(0, Math.min(...bounded.map(t => t.tolerationSeconds!)));
    const since = taint.timeAdded ? Date.parse(taint.timeAdded) : now;
    const when = since + seconds * 1000;
    at = at === undefined ? when : Math.min(at, when);
  }
  return at;
}
