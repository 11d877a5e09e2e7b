// RoleBindings (upstream pkg/registry/rbac/rolebinding): roleRef and subjects get their API group
// by default; the roleRef never changes; binding a role needs its permissions or `bind` on it.
import type { RoleBinding } from '../../../api/types/generated.js';
import { rbacDefaults } from '../../../api/defaults/rbac.js';
import { rbacRules } from '../../../api/validation/rbac.js';
import type { EscalationGuard } from '../../auth/rbac/escalation.js';
import type { ResourceStrategy } from '../strategy.js';

export function roleBindingStrategy(guard: EscalationGuard): ResourceStrategy {
  return {
    defaults: rbacDefaults.RoleBinding,
    rules: rbacRules.RoleBinding,
    prepareForCreate: (obj, ctx) => guard.checkBinding(ctx, 'rolebindings', obj as unknown as RoleBinding),
    prepareForUpdate: (obj, old, ctx) => guard.checkBinding(ctx, 'rolebindings', obj as unknown as RoleBinding, old as unknown as RoleBinding),
  };
}
