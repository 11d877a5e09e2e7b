// DaemonSets (upstream pkg/registry/apps/daemonset): status only through /status, generation
// counts spec changes.
import { appsDefaults } from '../../../api/defaults/apps.js';
import { appsRules } from '../../../api/validation/apps.js';
import { statusSplitStrategy, type ResourceStrategy } from '../strategy.js';

export const daemonSetStrategy: ResourceStrategy = statusSplitStrategy({
  tracksGeneration: true,
  defaults: appsDefaults.DaemonSet,
  rules: appsRules.DaemonSet,
});
