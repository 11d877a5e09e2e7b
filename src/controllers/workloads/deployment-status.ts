// A Deployment's status from its ReplicaSets, and the Available / Progressing / ReplicaFailure
// conditions with upstream's reasons and messages.
import { findCondition, removeCondition, setCondition } from '../../api/conditions.js';
import { newCondition } from './conditions.js';
import { specReplicaSum, statusSum } from './deployment-replicasets.js';
import { desiredReplicas, maxUnavailable, progressDeadlineSeconds } from './deployment-spec.js';
import type { Condition, Deployment, DeploymentStatus, ReplicaSet } from './types.js';

export const Reason = {
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
  NewReplicaSetCreated: 'NewReplicaSetCreated',
  FoundNewReplicaSet: 'FoundNewReplicaSet',
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  NewReplicaSetAvailable: 'NewReplicaSetAvailable',
  ProgressDeadlineExceeded: 'ProgressDeadlineExceeded',
  ReplicaSetCreateError: 'ReplicaSetCreateError',
  DeploymentPaused: 'DeploymentPaused',
  DeploymentResumed: 'DeploymentResumed',
} as const;

/** Counts and the Available condition (upstream calculateStatus). */
export function calculateStatus(d: Deployment, allRSs: ReplicaSet[], newRS: ReplicaSet | undefined): DeploymentStatus {
  const available = statusSum(allRSs, 'availableReplicas');
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation,
    replicas: statusSum(allRSs, 'replicas'),
    updatedReplicas: newRS ? statusSum([newRS], 'replicas') : 0,
    readyReplicas: statusSum(allRSs, 'readyReplicas'),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, specReplicaSum(allRSs) - available),
  };
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  let conditions: Condition[] | undefined = d.status?.conditions ? [...d.status.conditions] : undefined;
  conditions = available >= desiredReplicas(d) - maxUnavailable(d)
    ? setCondition(conditions, newCondition('Available', 'True', Reason.MinimumReplicasAvailable, 'Deployment has minimum availability.', true))
    : setCondition(conditions, newCondition('Available', 'False', Reason.MinimumReplicasUnavailable, 'Deployment does not have minimum availability.', true));
  status.conditions = conditions;
  return status;
}

/** Every desired replica is updated and available, and the status describes the current spec. */
export function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  const desired = desiredReplicas(d);
  return s.updatedReplicas === desired && s.replicas === desired && s.availableReplicas === desired && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** The new status moved the rollout forward compared with the recorded one. */
function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld
    || (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

function timedOut(d: Deployment, s: DeploymentStatus, now: number): boolean {
  const deadline = progressDeadlineSeconds(d);
  const c = findCondition(s.conditions, 'Progressing');
  if (deadline === undefined || !c) return false;
  if (c.reason === Reason.NewReplicaSetAvailable) return false;
  if (c.reason === Reason.ProgressDeadlineExceeded) return true;
  return Date.parse(c.lastUpdateTime ?? c.lastTransitionTime ?? '') + deadline * 1000 < now;
}

/** Status during a rollout: counts plus Progressing and ReplicaFailure (upstream syncRolloutStatus). */
export function rolloutStatus(d: Deployment, allRSs: ReplicaSet[], newRS: ReplicaSet | undefined, now = Date.now()): DeploymentStatus {
  const s = calculateStatus(d, allRSs, newRS);
  const deadline = progressDeadlineSeconds(d);
  if (deadline === undefined) s.conditions = removeCondition(s.conditions, 'Progressing');
  const current = findCondition(d.status?.conditions, 'Progressing');
  const complete = s.replicas === s.updatedReplicas && current?.reason === Reason.NewReplicaSetAvailable;
  if (deadline !== undefined && !complete) {
    const subject = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
    if (deploymentComplete(d, s)) {
      s.conditions = setCondition(s.conditions, newCondition('Progressing', 'True', Reason.NewReplicaSetAvailable, `${subject} has successfully progressed.`, true));
    } else if (deploymentProgressing(d, s)) {
      // Progress refreshes lastUpdateTime even with an unchanged reason, which restarts the deadline.
      const c = newCondition('Progressing', 'True', Reason.ReplicaSetUpdated, `${subject} is progressing.`, true);
      if (current?.status === 'True' && current.lastTransitionTime) c.lastTransitionTime = current.lastTransitionTime;
      s.conditions = [...(removeCondition(s.conditions, 'Progressing') ?? []), c];
    } else if (timedOut(d, s, now)) {
      s.conditions = setCondition(s.conditions, newCondition('Progressing', 'False', Reason.ProgressDeadlineExceeded, `${subject} has timed out progressing.`, true));
    }
  }
  const failure = allRSs.map(rs => findCondition(rs.status?.conditions, 'ReplicaFailure')).find(c => c?.status === 'True');
  s.conditions = failure
    ? setCondition(s.conditions, { type: 'ReplicaFailure', status: 'True', reason: failure.reason, message: failure.message, lastTransitionTime: failure.lastTransitionTime, lastUpdateTime: failure.lastTransitionTime })
    : removeCondition(s.conditions, 'ReplicaFailure');
  return s;
}

/** When an unfinished rollout must be looked at again to notice its deadline passing. */
export function msUntilProgressDeadline(d: Deployment, s: DeploymentStatus, now = Date.now()): number | undefined {
  const deadline = progressDeadlineSeconds(d);
  const c = findCondition(s.conditions, 'Progressing');
  if (deadline === undefined || !c || c.reason === Reason.NewReplicaSetAvailable || c.reason === Reason.ProgressDeadlineExceeded) return undefined;
  if (deploymentComplete(d, s)) return undefined;
  const at = Date.parse(c.lastUpdateTime ?? c.lastTransitionTime ?? '') + deadline * 1000;
  return Number.isNaN(at) ? undefined : Math.max(1000, at - now + 1000);
}
