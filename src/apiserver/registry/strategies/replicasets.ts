// ReplicaSets (upstream pkg/registry/apps/replicaset): status only through /status, generation
// counts spec changes, selectable by status.replicas.
import { appsDefaults } from '../../../api/defaults/apps.js';
import { appsRules } from '../../../api/validation/apps.js';
import { statusSplitStrategy, type ResourceStrategy } from '../strategy.js';

export const replicaSetStrategy: ResourceStrategy = statusSplitStrategy({
  tracksGeneration: true,
  defaults: appsDefaults.ReplicaSet,
  rules: appsRules.ReplicaSet,
  fieldSelectors: { 'status.replicas': o => String(o.status?.replicas ?? 0) },
});
