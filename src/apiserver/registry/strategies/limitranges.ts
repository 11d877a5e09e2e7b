// LimitRanges (upstream pkg/registry/core/limitrange): defaults and validation.
import { coreDefaults } from '../../../api/defaults/core.js';
import { limitRangeRules } from '../../../api/validation/limit-range.js';
import type { ResourceStrategy } from '../strategy.js';

export const limitRangeStrategy: ResourceStrategy = {
  defaults: coreDefaults.LimitRange,
  rules: limitRangeRules,
};
