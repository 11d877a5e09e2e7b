// Jobs: unless a Job chooses its own selector (spec.manualSelector), the API server gives it one
// that selects by its UID and puts the matching labels on its pod template, so that its pods are
// told apart from every other pod in the namespace (upstream's generateSelector and
// validateGeneratedSelector). Status is written only through /status.
import { batchDefaults } from '../../../api/defaults/batch.js';
import { CONTROLLER_UID, JOB_NAME, LEGACY_CONTROLLER_UID, LEGACY_JOB_NAME } from '../../../api/job-labels.js';
import type { KubeObject } from '../../../api/object.js';
import { batchRules } from '../../../api/validation/batch.js';
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

export const jobStrategy: ResourceStrategy = statusSplitStrategy({
  tracksGeneration: true,
  defaults: batchDefaults.Job,
  rules: batchRules.Job,
  fieldSelectors: { 'status.successful': o => String(o.status?.succeeded ?? 0) },
  prepareForCreate(job) {
    delete job.status;
    if (specOf(job).manualSelector !== true) generateSelector(job);
  },
});
