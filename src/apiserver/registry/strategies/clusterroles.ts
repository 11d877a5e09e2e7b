// ClusterRoles (upstream pkg/registry/rbac/clusterrole): rules and aggregation selectors
// validated, names are path segments.
import { rbacRules } from '../../../api/validation/rbac.js';
import type { ResourceStrategy } from '../strategy.js';

export const clusterRoleStrategy: ResourceStrategy = {
  rules: rbacRules.ClusterRole,
};
