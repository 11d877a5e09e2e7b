// PodDisruptionBudgets (upstream pkg/registry/policy/poddisruptionbudget): status only through
// /status, generation counts spec changes.
import { pdbRules } from '../../../api/validation/policy.js';
import { statusSplitStrategy, type ResourceStrategy } from '../strategy.js';

export const podDisruptionBudgetStrategy: ResourceStrategy = statusSplitStrategy({
  tracksGeneration: true,
  rules: pdbRules,
});
