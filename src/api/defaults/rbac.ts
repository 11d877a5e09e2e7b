// Defaults for rbac.authorization.k8s.io/v1 (pkg/apis/rbac/v1/defaults.go).
import type { Defaulter, Obj } from './types.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

function defaultBinding(o: Obj): void {
  if (o.roleRef && !o.roleRef.apiGroup) o.roleRef.apiGroup = RBAC_GROUP;
  for (const s of o.subjects ?? []) {
    if (s.apiGroup) continue;
    if (s.kind === 'ServiceAccount') s.apiGroup = '';
    if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = RBAC_GROUP;
  }
}

export const rbacDefaults: Record<string, Defaulter> = {
  RoleBinding: defaultBinding,
  ClusterRoleBinding: defaultBinding,
};
