// StatefulSets (upstream pkg/registry/apps/statefulset): status only through /status, generation
// counts spec changes, most of the spec is immutable.
import { appsDefaults } from '../../../api/defaults/apps.js';
import { appsRules } from '../../../api/validation/apps.js';
import { statusSplitStrategy, type ResourceStrategy } from '../strategy.js';

export const statefulSetStrategy: ResourceStrategy = statusSplitStrategy({
  tracksGeneration: true,
  defaults: appsDefaults.StatefulSet,
  rules: appsRules.StatefulSet,
});
