// ClusterRoles (upstream pkg/registry/rbac/clusterrole): rules and aggregation selectors
// validated, names are path segments; writing one may not grant more than the writer holds, and
// an aggregationRule needs cluster-admin's powers (escalation check).
import type { ClusterRole } from '../../../api/types/generated.js';
import { rbacRules } from '../../../api/validation/rbac.js';
import type { EscalationGuard } from '../../auth/rbac/escalation.js';
import type { ResourceStrategy } from '../strategy.js';

export function clusterRoleStrategy(guard: EscalationGuard): ResourceStrategy {
  return {
    rules: rbacRules.ClusterRole,
    prepareForCreate: (obj, ctx) => guard.checkRole(ctx, 'clusterroles', obj as unknown as ClusterRole),
    prepareForUpdate: (obj, old, ctx) => guard.checkRole(ctx, 'clusterroles', obj as unknown as ClusterRole, old as unknown as ClusterRole),
  };
}
