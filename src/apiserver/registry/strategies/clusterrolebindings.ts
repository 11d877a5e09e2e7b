// ClusterRoleBindings (upstream pkg/registry/rbac/clusterrolebinding): roleRef and subjects get
// their API group by default; the roleRef never changes.
import { rbacDefaults } from '../../../api/defaults/rbac.js';
import { rbacRules } from '../../../api/validation/rbac.js';
import type { ResourceStrategy } from '../strategy.js';

export const clusterRoleBindingStrategy: ResourceStrategy = {
  defaults: rbacDefaults.ClusterRoleBinding,
  rules: rbacRules.ClusterRoleBinding,
};
