// Jobs: unless a Job chooses its own selector (spec.manualSelector), the API server gives it one
// that selects by its UID and puts the matching labels on its pod template, so that its pods are
// told apart from every other pod in the namespace (upstream's generateSelector and
// validateGeneratedSelector). Status is written only through /status.
import { batchDefaults } from '../../../api/defaults/batch.js';
import { fieldErrors, type FieldError } from '../../../api/errors.js';
import { CONTROLLER_UID, JOB_NAME, LEGACY_CONTROLLER_UID, LEGACY_JOB_NAME } from '../../../api/job-labels.js';
import type { KubeObject } from '../../../api/object.js';
import { batchRules } from '../../../api/validation/batch.js';
import { goLabelSelector, goStringMap, invalidGo } from '../../../api/validation/go-value.js';
import { selectorMatches } from '../../../api/validation/selector.js';
import { statusSplitStrategy, type ResourceStrategy } from '../strategy.js';

type JobSpecLike = {
  manualSelector?: boolean;
  selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
  template?: { metadata?: { labels?: Record<string, string> } };
};
const specOf = (job: KubeObject) => (job.spec ??= {}) as JobSpecLike;

/** Adds the UID selector and the template labels it needs, keeping any the user already set. */
export function generateSelector(job: KubeObject): void {
  const spec = specOf(job);
  const template = (spec.template ??= {});
  const labels = ((template.metadata ??= {}).labels ??= {});
  // A label the user set is kept; if it conflicts, validation says so.
  for (const key of [LEGACY_JOB_NAME, JOB_NAME]) labels[key] ??= job.metadata.name!;
  for (const key of [LEGACY_CONTROLLER_UID, CONTROLLER_UID]) labels[key] ??= job.metadata.uid!;
  const matchLabels = ((spec.selector ??= {}).matchLabels ??= {});
  matchLabels[CONTROLLER_UID] ??= job.metadata.uid!;
}

/** A selector is required; a generated one must select exactly what was generated. */
export function validateJobSelector(job: KubeObject): FieldError[] {
  const spec = specOf(job);
  if (!spec.selector) return [fieldErrors.required('spec.selector')];
  if (spec.manualSelector === true) return [];
  const errs: FieldError[] = [];
  if (!job.metadata.uid) errs.push(fieldErrors.required('metadata.uid'));
  const labels = spec.template?.metadata?.labels ?? {};
  const expected: Record<string, string> = {
    [LEGACY_CONTROLLER_UID]: job.metadata.uid ?? '', [LEGACY_JOB_NAME]: job.metadata.name ?? '',
    [CONTROLLER_UID]: job.metadata.uid ?? '', [JOB_NAME]: job.metadata.name ?? '',
  };
  for (const [key, value] of Object.entries(expected)) {
    const path = `spec.template.metadata.labels[${key}]`;
    if (!(key in labels)) errs.push(fieldErrors.required(path, value));
    else if (labels[key] !== value) errs.push(invalidGo(path, goStringMap(labels), `must be '${value}'`, labels));
  }
  if (!selectorMatches(spec.selector, expected)) errs.push(invalidGo('spec.selector', goLabelSelector(spec.selector), '`selector` not auto-generated', spec.selector));
  return errs;
}

export const jobStrategy: ResourceStrategy = statusSplitStrategy({
  tracksGeneration: true,
  defaults: batchDefaults.Job,
  rules: {
    ...batchRules.Job,
    // The generated selector is checked on create (upstream also re-checks it on update).
    validate: (job, old) => [...(batchRules.Job.validate?.(job, old) ?? []), ...(old ? [] : validateJobSelector(job as KubeObject))],
  },
  fieldSelectors: { 'status.successful': o => String(o.status?.succeeded ?? 0) },
  prepareForCreate(job) {
    delete job.status;
    if (specOf(job).manualSelector !== true) generateSelector(job);
  },
});
