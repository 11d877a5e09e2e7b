// Defaults for batch/v1 (pkg/apis/batch/v1/defaults.go).
import { defaultPodTemplate } from './pod-spec.js';
import type { Defaulter, Obj } from './types.js';

const MAX_INT32 = 2147483647;

function defaultJob(o: Obj): void {
  const spec = (o.spec ??= {});
  // Neither set means one pod run once; parallelism alone means a work queue.
  if (spec.completions === undefined && spec.parallelism === undefined) spec.completions = 1;
  spec.parallelism ??= 1;
  // With per-index limits the global limit should never be what stops the job.
  spec.backoffLimit ??= spec.backoffLimitPerIndex !== undefined ? MAX_INT32 : 6;
  const labels = spec.template?.metadata?.labels;
  o.metadata ??= {};
  if (labels && !Object.keys(o.metadata.labels ?? {}).length) o.metadata.labels = { ...labels };
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  for (const rule of spec.podFailurePolicy?.rules ?? []) for (const c of rule.onPodConditions ?? []) c.status ??= 'True';
  spec.podReplacementPolicy ??= spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
  // The pod template's restartPolicy defaults to Always like any pod spec, which Job validation then
  // rejects: upstream deliberately makes users choose OnFailure or Never.
  defaultPodTemplate(spec.template);
}

export const batchDefaults: Record<string, Defaulter> = {
  Job: defaultJob,
  CronJob(o) {
    const spec = (o.spec ??= {});
    spec.concurrencyPolicy ??= 'Allow';
    spec.suspend ??= false;
    spec.successfulJobsHistoryLimit ??= 3;
    spec.failedJobsHistoryLimit ??= 1;
    // SetDefaults_Job is for Job objects only; the template's job spec gets just pod template defaults.
    defaultPodTemplate(spec.jobTemplate?.spec?.template);
  },
};
