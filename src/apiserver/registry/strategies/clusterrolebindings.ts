// ClusterRoleBindings (upstream pkg/registry/rbac/clusterrolebinding): roleRef and subjects get
// their API group by default; the roleRef never changes; binding a role needs its permissions or
// `bind` on it.
import type { ClusterRoleBinding } from '../../../api/types/generated.js';
import { rbacDefaults } from '../../../api/defaults/rbac.js';
import { rbacRules } from '../../../api/validation/rbac.js';
import type { EscalationGuard } from '../../auth/rbac/escalation.js';
import type { ResourceStrategy } from '../strategy.js';

export function clusterRoleBindingStrategy(guard: EscalationGuard): ResourceStrategy {
  return {
    defaults: rbacDefaults.ClusterRoleBinding,
    rules: rbacRules.ClusterRoleBinding,
    prepareForCreate: (obj, ctx) => guard.checkBinding(ctx, 'clusterrolebindings', obj as unknown as ClusterRoleBinding),
    prepareForUpdate: (obj, old, ctx) => guard.checkBinding(ctx, 'clusterrolebindings', obj as unknown as ClusterRoleBinding, old as unknown as ClusterRoleBinding),
  };
}
