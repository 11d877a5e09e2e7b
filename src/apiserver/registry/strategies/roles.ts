// Roles (upstream pkg/registry/rbac/role): rules validated, names are path segments; writing one
// may not grant more than the writer holds (escalation check).
import type { ClusterRole } from '../../../api/types/generated.js';
import { rbacRules } from '../../../api/validation/rbac.js';
import type { EscalationGuard } from '../../auth/rbac/escalation.js';
import type { ResourceStrategy } from '../strategy.js';

export function roleStrategy(guard: EscalationGuard): ResourceStrategy {
  return {
    rules: rbacRules.Role,
    prepareForCreate: (obj, ctx) => guard.checkRole(ctx, 'roles', obj as unknown as ClusterRole),
    prepareForUpdate: (obj, old, ctx) => guard.checkRole(ctx, 'roles', obj as unknown as ClusterRole, old as unknown as ClusterRole),
  };
}
