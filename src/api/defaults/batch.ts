// Defaults for batch/v1 (pkg/apis/batch/v1/defaults.go).
import { defaultPodTemplate } from './pod-spec.js';

type Obj = Record<string, any>;

function defaultJobSpec(spec: Obj): void {
  // Unset completions and parallelism both mean 1; parallelism alone means a work queue.
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  if (spec.completionMode === 'Indexed' && spec.backoffLimitPerIndex !== undefined) spec.backoffLimit ??= 2147483647;
  spec.backoffLimit ??= 6;
  spec.podReplacementPolicy ??= spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
  for (const rule of spec.podFailurePolicy?.rules ?? []) for (const c of rule.onPodConditions ?? []) c.status ??= 'True';
  defaultPodTemplate(spec.template);
}

export const batchDefaults: Record<string, (o: Obj) => void> = {
  Job: o => defaultJobSpec((o.spec ??= {})),
  CronJob(o) {
    const spec = (o.spec ??= {});
    spec.concurrencyPolicy ??= 'Allow';
    spec.suspend ??= false;
    spec.successfulJobsHistoryLimit ??= 3;
    spec.failedJobsHistoryLimit ??= 1;
    if (spec.jobTemplate?.spec) defaultJobSpec(spec.jobTemplate.spec);
  },
};
