// The whole bootstrap policy the API server reconciles at every start.
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '../../../../api/types/generated.js';
import { defaultClusterRoleBindings, defaultClusterRoles } from './cluster-roles.js';
import { controllerRoleBindings, controllerRoles } from './controller-roles.js';
import { k8tsClusterRoleBindings, k8tsClusterRoles } from './k8ts-roles.js';
import { namespaceRoleBindings, namespaceRoles } from './namespace-roles.js';

export interface BootstrapPolicy {
  clusterRoles: ClusterRole[];
  clusterRoleBindings: ClusterRoleBinding[];
  roles: Role[];
  roleBindings: RoleBinding[];
}

export function bootstrapPolicy(): BootstrapPolicy {
  return {
    clusterRoles: [...defaultClusterRoles(), ...controllerRoles(), ...k8tsClusterRoles()],
    clusterRoleBindings: [...defaultClusterRoleBindings(), ...controllerRoleBindings(), ...k8tsClusterRoleBindings()],
    roles: namespaceRoles(),
    roleBindings: namespaceRoleBindings(),
  };
}
