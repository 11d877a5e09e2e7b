// Roles (upstream pkg/registry/rbac/role): rules validated, names are path segments.
import { rbacRules } from '../../../api/validation/rbac.js';
import type { ResourceStrategy } from '../strategy.js';

export const roleStrategy: ResourceStrategy = {
  rules: rbacRules.Role,
};
