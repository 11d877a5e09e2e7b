// PriorityClasses (upstream pkg/registry/scheduling/priorityclass): value and preemption policy
// never change; generation counts changes.
import { schedulingDefaults } from '../../../api/defaults/scheduling.js';
import { priorityClassRules } from '../../../api/validation/scheduling.js';
import type { ResourceStrategy } from '../strategy.js';

export const priorityClassStrategy: ResourceStrategy = {
  tracksGeneration: true,
  defaults: schedulingDefaults.PriorityClass,
  rules: priorityClassRules,
};
