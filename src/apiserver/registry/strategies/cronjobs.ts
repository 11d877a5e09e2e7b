// CronJobs (upstream pkg/registry/batch/cronjob): status only through /status, generation counts
// spec changes; schedule, time zone and the job template validated.
import { batchDefaults } from '../../../api/defaults/batch.js';
import { batchRules } from '../../../api/validation/batch.js';
import { statusSplitStrategy, type ResourceStrategy } from '../strategy.js';

export const cronJobStrategy: ResourceStrategy = statusSplitStrategy({
  tracksGeneration: true,
  defaults: batchDefaults.CronJob,
  rules: batchRules.CronJob,
});
