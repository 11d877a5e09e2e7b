// Nodes (upstream pkg/registry/core/node): the kubelet creates its Node with status; later status
// changes go through /status. Selectable by spec.unschedulable.
import { coreDefaults } from '../../../api/defaults/core.js';
import { clusterRules } from '../../../api/validation/cluster.js';
import type { ResourceStrategy } from '../strategy.js';

export const nodeStrategy: ResourceStrategy = {
  defaults: coreDefaults.Node,
  rules: clusterRules.Node,
  fieldSelectors: { 'spec.unschedulable': o => String(o.spec?.unschedulable ?? false) },
  prepareForUpdate(obj, old) {
    obj.status = old.status;
  },
};
