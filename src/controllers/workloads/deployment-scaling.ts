// The arithmetic of a Deployment's rollout, kept free of I/O so every step can be tested: how far
// the new ReplicaSet may grow, how far old ones may shrink, and how a resize mid-rollout is spread
// across ReplicaSets in proportion to their sizes.
import {
  activeReplicaSets, byCreation, bySize, desiredReplicasAnnotation, maxReplicasAnnotation, rsReplicas, specReplicaSum, statusSum,
} from './deployment-replicasets.js';
import { desiredReplicas, isRollingUpdate, maxSurge, maxUnavailable } from './deployment-spec.js';
import type { Deployment, ReplicaSet } from './types.js';

export interface ScaleStep { rs: ReplicaSet; replicas: number }

/** The size the new ReplicaSet should have now (upstream NewRSNewReplicas). */
export function newReplicaSetReplicas(d: Deployment, allRSs: ReplicaSet[], newRS: ReplicaSet): number {
  const desired = desiredReplicas(d);
  if (!isRollingUpdate(d)) return desired;
  const current = specReplicaSum(allRSs);
  const maxTotal = desired + maxSurge(d);
  if (current >= maxTotal) return rsReplicas(newRS);
  return rsReplicas(newRS) + Math.min(maxTotal - current, desired - rsReplicas(newRS));
}

/**
 * How far old ReplicaSets shrink in one rolling-update step (upstream reconcileOldReplicaSets):
 * first their unhealthy replicas, which cost no availability, then available ones down to
 * spec.replicas - maxUnavailable available pods in total.
 */
export function planOldScaleDown(d: Deployment, allRSs: ReplicaSet[], activeOldRSs: ReplicaSet[], newRS: ReplicaSet): ScaleStep[] {
  if (specReplicaSum(activeOldRSs) === 0) return [];
  const minAvailable = desiredReplicas(d) - maxUnavailable(d);
  const newUnavailable = rsReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = specReplicaSum(allRSs) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return [];

  const oldest = [...activeOldRSs].sort(byCreation);
  const sizes = new Map(oldest.map(rs => [rs, rsReplicas(rs)]));
  let cleaned = 0;
  for (const rs of oldest) {
    if (cleaned >= maxScaledDown) break;
    const size = sizes.get(rs)!;
    const available = rs.status?.availableReplicas ?? 0;
    if (size === 0 || size <= available) continue;
    const down = Math.min(maxScaledDown - cleaned, size - available);
    sizes.set(rs, size - down);
    cleaned += down;
  }

  const availableNow = statusSum(allRSs, 'availableReplicas');
  if (availableNow > minAvailable) {
    const budget = availableNow - minAvailable;
    let scaled = 0;
    for (const rs of oldest) {
      if (scaled >= budget) break;
      const size = sizes.get(rs)!;
      if (size === 0) continue;
      const down = Math.min(size, budget - scaled);
      sizes.set(rs, size - down);
      scaled += down;
    }
  }
  return oldest.filter(rs => sizes.get(rs) !== rsReplicas(rs)).map(rs => ({ rs, replicas: sizes.get(rs)! }));
}

/** The one active ReplicaSet, or the newest if none is active; undefined if several are active. */
export function activeOrLatest(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): ReplicaSet | undefined {
  const newestFirst = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = activeReplicaSets(newRS ? [...newestFirst, newRS] : newestFirst);
  if (active.length === 1) return active[0];
  if (active.length === 0) return newRS ?? newestFirst[0];
  return undefined;
}

/** The new ReplicaSet already runs every desired replica, all of them available. */
export function isSaturated(d: Deployment, newRS: ReplicaSet | undefined): boolean {
  if (!newRS) return false;
  const desired = desiredReplicas(d);
  return rsReplicas(newRS) === desired && desiredReplicasAnnotation(newRS) === desired && (newRS.status?.availableReplicas ?? 0) === desired;
}

/**
 * A resize of the Deployment (upstream `scale`): with one active ReplicaSet it takes the new size;
 * mid-rollout the surplus or deficit is spread over the active ReplicaSets in proportion to their
 * share of the previous size (from their max-replicas annotation), leftovers to the largest.
 */
export function planScale(d: Deployment, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): ScaleStep[] {
  const desired = desiredReplicas(d);
  const only = activeOrLatest(newRS, oldRSs);
  if (only) return rsReplicas(only) === desired ? [] : [{ rs: only, replicas: desired }];
  if (isSaturated(d, newRS)) return activeReplicaSets(oldRSs).map(rs => ({ rs, replicas: 0 }));
  if (!isRollingUpdate(d)) return [];

  const active = activeReplicaSets(newRS ? [...oldRSs, newRS] : oldRSs);
  const allowed = desired > 0 ? desired + maxSurge(d) : 0;
  const toAdd = allowed - specReplicaSum(active);
  if (toAdd === 0) return [];
  active.sort(bySize(toAdd > 0));
  const sizes = new Map<ReplicaSet, number>();
  let added = 0;
  for (const rs of active) {
    const p = proportion(rs, d, toAdd, added);
    sizes.set(rs, rsReplicas(rs) + p);
    added += p;
  }
  const largest = active[0];
  sizes.set(largest, Math.max(0, sizes.get(largest)! + toAdd - added));
  return active.filter(rs => sizes.get(rs) !== rsReplicas(rs)).map(rs => ({ rs, replicas: sizes.get(rs)! }));
}

function proportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (rsReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/** How many replicas `rs` gains (or loses) if the Deployment's total changes proportionally. */
function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  const desired = desiredReplicas(d);
  if (desired === 0) return -rsReplicas(rs);
  const newTotal = desired + maxSurge(d);
  const oldTotal = maxReplicasAnnotation(rs) ?? d.status?.replicas ?? 0;
  if (oldTotal === 0) return 0;
  return roundHalfAway((rsReplicas(rs) * newTotal) / oldTotal) - rsReplicas(rs);
}

/** Go's math.Round: halves round away from zero. */
function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}
