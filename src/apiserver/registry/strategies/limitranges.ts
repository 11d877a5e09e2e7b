// LimitRanges (upstream pkg/registry/core/limitrange): only defaults.
import { coreDefaults } from '../../../api/defaults/core.js';
import type { ResourceStrategy } from '../strategy.js';

export const limitRangeStrategy: ResourceStrategy = {
  defaults: coreDefaults.LimitRange,
};
