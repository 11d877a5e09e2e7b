// Upstream's Roles and RoleBindings in kube-system and kube-public (bootstrappolicy/namespace_policy.go).
import type { Role, RoleBinding } from '../../../../api/types/generated.js';
import { CONTROLLER_ROLE_PREFIX } from './controller-roles.js';
import { eventsRule, READ, role, roleBinding, rule, serviceAccount, users } from './rule.js';

const SYSTEM = 'kube-system';
const PUBLIC = 'kube-public';

export function namespaceRoles(): Role[] {
  return [
    role(SYSTEM, 'extension-apiserver-authentication-reader', [rule(READ, [''], ['configmaps'], ['extension-apiserver-authentication'])]),
    role(SYSTEM, CONTROLLER_ROLE_PREFIX + 'bootstrap-signer', [rule(READ, [''], ['secrets'])]),
    role(SYSTEM, CONTROLLER_ROLE_PREFIX + 'cloud-provider', [rule(['create', 'get', 'list', 'watch'], [''], ['configmaps'])]),
    role(SYSTEM, CONTROLLER_ROLE_PREFIX + 'token-cleaner', [rule(['get', 'list', 'watch', 'delete'], [''], ['secrets']), eventsRule()]),
    role(SYSTEM, 'system::leader-locking-kube-controller-manager', [
      rule(['watch'], [''], ['configmaps']),
      rule(['get', 'update'], [''], ['configmaps'], ['kube-controller-manager']),
    ]),
    role(SYSTEM, 'system::leader-locking-kube-scheduler', [
      rule(['watch'], [''], ['configmaps']),
      rule(['get', 'update'], [''], ['configmaps'], ['kube-scheduler']),
    ]),
    role(PUBLIC, CONTROLLER_ROLE_PREFIX + 'bootstrap-signer', [
      rule(READ, [''], ['configmaps']),
      rule(['update'], [''], ['configmaps'], ['cluster-info']),
      eventsRule(),
    ]),
  ];
}

export function namespaceRoleBindings(): RoleBinding[] {
  return [
    roleBinding(SYSTEM, 'extension-apiserver-authentication-reader', users('system:kube-controller-manager', 'system:kube-scheduler'), 'system::extension-apiserver-authentication-reader'),
    roleBinding(SYSTEM, 'system::leader-locking-kube-controller-manager', [...users('system:kube-controller-manager'), serviceAccount(SYSTEM, 'kube-controller-manager')]),
    roleBinding(SYSTEM, 'system::leader-locking-kube-scheduler', [...users('system:kube-scheduler'), serviceAccount(SYSTEM, 'kube-scheduler')]),
    roleBinding(SYSTEM, CONTROLLER_ROLE_PREFIX + 'bootstrap-signer', [serviceAccount(SYSTEM, 'bootstrap-signer')]),
    roleBinding(SYSTEM, CONTROLLER_ROLE_PREFIX + 'cloud-provider', [serviceAccount(SYSTEM, 'cloud-provider')]),
    roleBinding(SYSTEM, CONTROLLER_ROLE_PREFIX + 'token-cleaner', [serviceAccount(SYSTEM, 'token-cleaner')]),
    roleBinding(PUBLIC, CONTROLLER_ROLE_PREFIX + 'bootstrap-signer', [serviceAccount(SYSTEM, 'bootstrap-signer')]),
  ];
}
