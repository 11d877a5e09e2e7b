// ResourceQuotas (upstream pkg/registry/core/resourcequota): status (usage) only through /status.
import { coreDefaults } from '../../../api/defaults/core.js';
import { statusSplitStrategy, type ResourceStrategy } from '../strategy.js';

export const resourceQuotaStrategy: ResourceStrategy = statusSplitStrategy({
  defaults: coreDefaults.ResourceQuota,
});
