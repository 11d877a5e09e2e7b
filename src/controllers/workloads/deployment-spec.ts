// A Deployment's spec read with upstream's defaults (the API server may not have applied them), and
// the surge / unavailability allowances derived from it.
import { resolveFenceposts } from './int-or-percent.js';
import type { Deployment } from './types.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

export function desiredReplicas(d: Deployment): number {
  return d.spec.replicas ?? 1;
}

export function isRollingUpdate(d: Deployment): boolean {
  return (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

function fenceposts(d: Deployment): { surge: number; unavailable: number } {
  const ru = d.spec.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge ?? '25%', ru?.maxUnavailable ?? '25%', desiredReplicas(d));
}

/** How many pods above spec.replicas a rolling update may run (0 for Recreate). */
export function maxSurge(d: Deployment): number {
  return isRollingUpdate(d) ? fenceposts(d).surge : 0;
}

/** How many of spec.replicas may be unavailable during a rolling update, at most all of them. */
export function maxUnavailable(d: Deployment): number {
  const replicas = desiredReplicas(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  return Math.min(fenceposts(d).unavailable, replicas);
}

export function minReadySeconds(d: Deployment): number {
  return d.spec.minReadySeconds ?? 0;
}

/** progressDeadlineSeconds defaults to 600; MaxInt32 means "no deadline". */
export function progressDeadlineSeconds(d: Deployment): number | undefined {
  const s = d.spec.progressDeadlineSeconds ?? 600;
  return s === 2147483647 ? undefined : s;
}

export function revisionHistoryLimit(d: Deployment): number {
  return d.spec.revisionHistoryLimit ?? 10;
}
