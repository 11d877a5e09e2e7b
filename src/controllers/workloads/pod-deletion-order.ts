// Which pods a ReplicaSet deletes first when it scales down, as upstream's ActivePodsWithRanks:
// unscheduled before scheduled, pending before running, not-ready before ready, lower
// pod-deletion-cost first, pods doubled up on a node first, recently ready before long ready
// (in logarithmic buckets), more restarts first, and newer before older.
import { isPodReady, podReadyTime } from '../../api/pod-state.js';
import type { Pod } from './types.js';

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
const DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

function deletionCost(pod: Pod): number {
  const v = Number(pod.metadata.annotations?.[DELETION_COST]);
  return Number.isFinite(v) ? v : 0;
}

function maxRestarts(pod: Pod): number {
  let max = 0;
  for (const c of pod.status?.containerStatuses ?? []) max = Math.max(max, c.restartCount ?? 0);
  return max;
}

/** floor(log2(age in ns)), or -1 when the timestamp is not in the past. */
function logAge(t: number, now: number): number {
  const d = (now - t) * 1e6;
  return d > 0 ? Math.floor(Math.log2(d)) : -1;
}

/** Returns <0 if a should be deleted before b; `t` are timestamps in ms, NaN meaning unknown. */
function youngerFirst(a: number, b: number, now: number, tieA: string, tieB: string): number {
  if (a === b) return 0;
  // An unknown time sorts first, as upstream's afterOrZero does.
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? -1 : 1;
  const diff = logAge(a, now) - logAge(b, now);
  if (diff !== 0) return diff;
  return tieA < tieB ? -1 : tieA > tieB ? 1 : 0;
}

/**
 * Orders pods most-deletable first. `colocated` counts, per node name, the active pods of related
 * ReplicaSets (the same owner's siblings) so that a pod sharing a node with many of them goes first.
 */
export function comparePodsForDeletion(colocated: Map<string, number>, now: number): (a: Pod, b: Pod) => number {
  return (a, b) => {
    const na = a.spec?.nodeName ?? '';
    const nb = b.spec?.nodeName ?? '';
    if (na !== nb && (!na || !nb)) return na ? 1 : -1;
    const pa = PHASE_ORDER[a.status?.phase ?? ''] ?? 0;
    const pb = PHASE_ORDER[b.status?.phase ?? ''] ?? 0;
    if (pa !== pb) return pa - pb;
    const ra = isPodReady(a);
    const rb = isPodReady(b);
    if (ra !== rb) return ra ? 1 : -1;
    const ca = deletionCost(a);
    const cb = deletionCost(b);
    if (ca !== cb) return ca - cb;
    const ka = colocated.get(na) ?? 0;
    const kb = colocated.get(nb) ?? 0;
    if (ka !== kb) return kb - ka;
    if (ra && rb) {
      const order = youngerFirst(podReadyTime(a) ?? NaN, podReadyTime(b) ?? NaN, now, a.metadata.uid ?? '', b.metadata.uid ?? '');
      if (order !== 0) return order;
    }
    const xa = maxRestarts(a);
    const xb = maxRestarts(b);
    if (xa !== xb) return xb - xa;
    const ta = a.metadata.creationTimestamp ? Date.parse(a.metadata.creationTimestamp) : NaN;
    const tb = b.metadata.creationTimestamp ? Date.parse(b.metadata.creationTimestamp) : NaN;
    return youngerFirst(ta, tb, now, a.metadata.uid ?? '', b.metadata.uid ?? '');
  };
}

/** The `count` pods to delete out of `pods`; `related` are the active pods of sibling ReplicaSets. */
export function podsToDelete(pods: Pod[], related: Pod[], count: number, now = Date.now()): Pod[] {
  if (count >= pods.length) return [...pods];
  const colocated = new Map<string, number>();
  for (const p of related) {
    const node = p.spec?.nodeName ?? '';
    colocated.set(node, (colocated.get(node) ?? 0) + 1);
  }
  return [...pods].sort(comparePodsForDeletion(colocated, now)).slice(0, count);
}
