// ReplicationControllers (upstream pkg/registry/core/replicationcontroller): status only through
// /status, generation counts spec changes, selectable by status.replicas.
import { coreDefaults } from '../../../api/defaults/core.js';
import { coreWorkloadRules } from '../../../api/validation/core-workloads.js';
import { statusSplitStrategy, type ResourceStrategy } from '../strategy.js';

export const replicationControllerStrategy: ResourceStrategy = statusSplitStrategy({
  tracksGeneration: true,
  defaults: coreDefaults.ReplicationController,
  rules: coreWorkloadRules.ReplicationController,
  fieldSelectors: { 'status.replicas': o => String(o.status?.replicas ?? 0) },
});
