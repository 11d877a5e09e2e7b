// The status of a ReplicaSet or ReplicationController computed from the pods it owns.
import { LabelSelector } from '../../api/selectors/label-selector.js';
import { findCondition, removeCondition, setCondition } from '../../api/conditions.js';
import { newCondition } from './conditions.js';
import { isPodAvailable, isPodReady } from '../../api/pod-state.js';
import type { Pod, PodTemplateSpec, ReplicaSetStatus } from './types.js';

export interface ReplicaOwnerView {
  replicas: number;
  minReadySeconds: number;
  template?: PodTemplateSpec;
  status?: ReplicaSetStatus;
  generation?: number;
}

/** `manageError` is the failure to create or delete pods this round, surfaced as ReplicaFailure. */
export function replicaStatus(owner: ReplicaOwnerView, pods: Pod[], manageError: Error | undefined, now = Date.now()): ReplicaSetStatus {
  const templateLabels = new LabelSelector(Object.entries(owner.template?.metadata?.labels ?? {}).map(([key, v]) => ({ key, operator: 'In' as const, values: [v] })));
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    if (templateLabels.matches(pod.metadata.labels)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, owner.minReadySeconds, now)) available++;
    }
  }
  let conditions = owner.status?.conditions;
  const failure = findCondition(conditions, 'ReplicaFailure');
  if (manageError && !failure) {
    const diff = pods.length - owner.replicas;
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    conditions = setCondition(conditions, newCondition('ReplicaFailure', 'True', reason, manageError.message));
  } else if (!manageError && failure) {
    conditions = removeCondition(conditions, 'ReplicaFailure');
  }
  // Zero counts are omitted, as upstream's omitempty fields are.
  const status: ReplicaSetStatus = { replicas: pods.length };
  if (fullyLabeled) status.fullyLabeledReplicas = fullyLabeled;
  if (ready) status.readyReplicas = ready;
  if (available) status.availableReplicas = available;
  status.observedGeneration = owner.generation;
  if (conditions?.length) status.conditions = conditions;
  return status;
}
