// batch/v1 Job fields the job controllers read and write.
import type { KubeObject } from '../../api/object.js';
import type { Condition, LabelSelectorSpec, PodTemplateSpec } from './types.js';

export interface PodFailurePolicyRule {
  action: 'FailJob' | 'Ignore' | 'Count' | 'FailIndex';
  onExitCodes?: { containerName?: string; operator: 'In' | 'NotIn'; values: number[] };
  onPodConditions?: { type: string; status?: string }[];
}

export interface JobSpec {
  parallelism?: number;
  completions?: number;
  backoffLimit?: number;
  activeDeadlineSeconds?: number;
  ttlSecondsAfterFinished?: number;
  completionMode?: 'NonIndexed' | 'Indexed';
  suspend?: boolean;
  selector?: LabelSelectorSpec;
  podFailurePolicy?: { rules: PodFailurePolicyRule[] };
  template: PodTemplateSpec;
}

export interface JobStatus {
  active?: number;
  ready?: number;
  terminating?: number;
  succeeded?: number;
  failed?: number;
  startTime?: string;
  completionTime?: string;
  completedIndexes?: string;
  conditions?: Condition[];
  uncountedTerminatedPods?: { succeeded?: string[]; failed?: string[] };
}

export interface Job extends KubeObject {
  spec: JobSpec;
  status?: JobStatus;
}

export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
export const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';
export { CONTROLLER_UID, JOB_NAME } from '../../api/job-labels.js';

/** The finished condition (Complete or Failed, True), if any. */
export function finishedCondition(job: Job): Condition | undefined {
  return job.status?.conditions?.find(c => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}
