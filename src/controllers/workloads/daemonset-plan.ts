// The decisions of the DaemonSet controller, free of I/O: which pods each node should have, how a
// rolling update replaces them within maxUnavailable / maxSurge, and the resulting status.
import { CONTROLLER_REVISION_HASH_LABEL } from './controller-history.js';
import type { NodeVerdict } from './daemonset-eligibility.js';
import { scaledValue } from './int-or-percent.js';
import { isPodAvailable, isPodReady } from '../../api/pod-state.js';
import type { DaemonSet, DaemonSetStatus, Pod } from './types.js';

export function isPodUpdated(pod: Pod, hash: string): boolean {
  return Boolean(hash) && pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash;
}

export function allowsSurge(ds: DaemonSet): boolean {
  const ru = ds.spec.updateStrategy;
  return (ru?.type ?? 'RollingUpdate') === 'RollingUpdate' && scaledValue(ru?.rollingUpdate?.maxSurge ?? 0, 100, true) > 0;
}

/** Bound pods first, then oldest, then by name (upstream podByCreationTimestampAndPhase). */
export function byCreationAndPhase(a: Pod, b: Pod): number {
  const sa = Boolean(a.spec?.nodeName);
  const sb = Boolean(b.spec?.nodeName);
  if (sa !== sb) return sa ? -1 : 1;
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta === tb) return (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
  return ta < tb ? -1 : 1;
}

export interface NodeDecision {
  create: boolean;
  remove: Pod[];
  /** Failed pods found (and removed); reported as FailedDaemonPod. */
  failed: Pod[];
}

/** What one node needs (upstream podsShouldBeOnNode). */
export function podsForNode(verdict: NodeVerdict, pods: Pod[] | undefined, hash: string, ds: DaemonSet, now = Date.now()): NodeDecision {
  const d: NodeDecision = { create: false, remove: [], failed: [] };
  const exists = pods !== undefined && pods.length > 0;
  if (verdict.shouldRun && !exists) {
    d.create = true;
    return d;
  }
  if (verdict.shouldContinueRunning) {
    const running: Pod[] = [];
    for (const pod of pods ?? []) {
      if (pod.metadata.deletionTimestamp) continue;
      if (pod.status?.phase === 'Failed') {
        d.remove.push(pod);
        d.failed.push(pod);
      } else {
        running.push(pod);
      }
    }
    running.sort(byCreationAndPhase);
    if (!allowsSurge(ds)) {
      // One pod per node: the oldest stays.
      d.remove.push(...running.slice(1));
      return d;
    }
    if (running.length <= 1) {
      if (running.length === 0 && verdict.shouldRun) d.create = true;
      return d;
    }
    // Surging: keep the oldest new pod, and the oldest old pod only while the new one is not yet available.
    let oldestNew: Pod | undefined;
    let oldestOld: Pod | undefined;
    for (const pod of running) {
      if (isPodUpdated(pod, hash)) {
        if (!oldestNew) { oldestNew = pod; continue; }
      } else if (!oldestOld) {
        oldestOld = pod;
        continue;
      }
      d.remove.push(pod);
    }
    if (oldestNew && oldestOld && (!isPodReady(oldestOld) || isPodAvailable(oldestNew, ds.spec.minReadySeconds ?? 0, now))) {
      d.remove.push(oldestOld);
    }
    return d;
  }
  if (exists) d.remove.push(...(pods ?? []).filter(p => !p.metadata.deletionTimestamp));
  return d;
}

/** The one new and one old pod on a node; `ok` is false when there are more (manage cleans up first). */
function updatedPodsOnNode(pods: Pod[], hash: string): { newPod?: Pod; oldPod?: Pod; ok: boolean } {
  let newPod: Pod | undefined;
  let oldPod: Pod | undefined;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    if (isPodUpdated(pod, hash)) {
      if (newPod) return { ok: false };
      newPod = pod;
    } else {
      if (oldPod) return { ok: false };
      oldPod = pod;
    }
  }
  return { newPod, oldPod, ok: true };
}

export interface RollingLimits { maxSurge: number; maxUnavailable: number }

/** maxSurge and maxUnavailable against the desired node count, both rounding up. */
export function rollingLimits(ds: DaemonSet, desiredScheduled: number): RollingLimits {
  const ru = ds.spec.updateStrategy?.rollingUpdate;
  const maxSurge = scaledValue(ru?.maxSurge ?? 0, desiredScheduled, true);
  let maxUnavailable = scaledValue(ru?.maxUnavailable ?? 1, desiredScheduled, true);
  if (desiredScheduled > 0 && maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

export interface RollingPlan { remove: Pod[]; createOn: string[] }

/**
 * One step of a DaemonSet rolling update (upstream rollingUpdate). `nodePods` holds every node
 * that should run the daemon (possibly with no pods) and every node that has daemon pods.
 * Without surge, old pods are deleted while fewer than maxUnavailable nodes are unavailable
 * (unavailable old pods always may go). With surge, new pods start next to old ones on up to
 * maxSurge nodes, and an old pod goes once its replacement is available.
 */
export function rollingUpdatePlan(nodePods: Map<string, Pod[]>, hash: string, limits: RollingLimits, minReadySeconds: number, shouldRun: (node: string) => boolean, now = Date.now()): RollingPlan {
  const available = (p: Pod) => isPodAvailable(p, minReadySeconds, now);
  if (limits.maxSurge === 0) {
    let unavailable = 0;
    const mustReplace: Pod[] = [];
    const candidates: Pod[] = [];
    for (const pods of nodePods.values()) {
      const { newPod, oldPod, ok } = updatedPodsOnNode(pods, hash);
      if (!ok || (!oldPod && !newPod) || (oldPod && newPod)) { unavailable++; continue; }
      if (newPod) { if (!available(newPod)) unavailable++; continue; }
      if (!available(oldPod!)) mustReplace.push(oldPod!);
      else if (unavailable < limits.maxUnavailable) candidates.push(oldPod!);
    }
    const room = Math.min(Math.max(0, limits.maxUnavailable - unavailable), candidates.length);
    return { remove: [...mustReplace, ...candidates.slice(0, room)], createOn: [] };
  }
  const remove: Pod[] = [];
  const mustCreate: string[] = [];
  const candidates: string[] = [];
  let surging = 0;
  for (const [node, pods] of nodePods) {
    const { newPod, oldPod, ok } = updatedPodsOnNode(pods, hash);
    if (!ok) { surging++; continue; }
    if (!oldPod) continue;
    if (!newPod) {
      if (!available(oldPod)) { if (shouldRun(node)) mustCreate.push(node); }
      else if (surging < limits.maxSurge) candidates.push(node);
      continue;
    }
    if (!available(newPod)) { surging++; continue; }
    remove.push(oldPod);
  }
  const room = Math.min(Math.max(0, limits.maxSurge - surging), candidates.length);
  return { remove, createOn: [...mustCreate, ...candidates.slice(0, room)] };
}

/** Status over every node (upstream updateDaemonSetStatus). */
export function daemonSetStatus(ds: DaemonSet, nodes: { name: string; verdict: NodeVerdict }[], nodePods: Map<string, Pod[]>, hash: string, observe: boolean, now = Date.now()): DaemonSetStatus {
  let desired = 0, current = 0, misscheduled = 0, ready = 0, availableCount = 0, updated = 0;
  const minReady = ds.spec.minReadySeconds ?? 0;
  for (const { name, verdict } of nodes) {
    const pods = nodePods.get(name) ?? [];
    if (verdict.shouldRun) {
      desired++;
      if (!pods.length) continue;
      current++;
      const pod = [...pods].sort(byCreationAndPhase)[0];
      if (isPodReady(pod)) {
        ready++;
        if (isPodAvailable(pod, minReady, now)) availableCount++;
      }
      if (isPodUpdated(pod, hash)) updated++;
    } else if (pods.length) {
      misscheduled++;
    }
  }
  const s: DaemonSetStatus = {
    currentNumberScheduled: current,
    numberMisscheduled: misscheduled,
    desiredNumberScheduled: desired,
    numberReady: ready,
    observedGeneration: observe ? ds.metadata.generation : ds.status?.observedGeneration,
  };
  if (updated) s.updatedNumberScheduled = updated;
  if (availableCount) s.numberAvailable = availableCount;
  if (desired - availableCount) s.numberUnavailable = desired - availableCount;
  if (ds.status?.collisionCount !== undefined) s.collisionCount = ds.status.collisionCount;
  if (ds.status?.conditions?.length) s.conditions = ds.status.conditions;
  return s;
}
