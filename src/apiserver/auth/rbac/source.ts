// Where the RBAC authorizer reads roles and bindings: the API server's watch caches (never the
// store), or a fixed set in tests.
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '../../../api/types/generated.js';
import type { Registry } from '../../registry/registry.js';
import { RuleResolver } from './resolver.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

export interface RbacSource {
  role(namespace: string, name: string): Role | undefined;
  clusterRole(name: string): ClusterRole | undefined;
  roleBindings(): Iterable<RoleBinding>;
  clusterRoleBindings(): Iterable<ClusterRoleBinding>;
  /** Calls `listener` after any change of a binding. */
  onBindingsChange(listener: () => void): void;
}

/** Roles and bindings as the registry's watch caches hold them. */
export function registryRbacSource(registry: () => Registry): RbacSource {
  const store = (resource: string) => registry().get(RBAC_GROUP, resource);
  return {
    role: (ns, name) => store('roles').getCached(ns, name)?.object as Role | undefined,
    clusterRole: name => store('clusterroles').getCached('', name)?.object as ClusterRole | undefined,
    roleBindings: () => store('rolebindings').cache.list().map(c => c.object as unknown as RoleBinding),
    clusterRoleBindings: () => store('clusterrolebindings').cache.list().map(c => c.object as unknown as ClusterRoleBinding),
    onBindingsChange(listener) {
      store('rolebindings').cache.subscribe(listener);
      store('clusterrolebindings').cache.subscribe(listener);
    },
  };
}

/** A fixed set of roles and bindings (unit tests, policy checks on proposed objects). */
export function staticRbacSource(o: { roles?: Role[]; clusterRoles?: ClusterRole[]; roleBindings?: RoleBinding[]; clusterRoleBindings?: ClusterRoleBinding[] }): RbacSource {
  return {
    role: (ns, name) => o.roles?.find(r => r.metadata?.namespace === ns && r.metadata?.name === name),
    clusterRole: name => o.clusterRoles?.find(r => r.metadata?.name === name),
    roleBindings: () => o.roleBindings ?? [],
    clusterRoleBindings: () => o.clusterRoleBindings ?? [],
    onBindingsChange: () => undefined,
  };
}

const resolvers = new WeakMap<Registry, RuleResolver>();

/** The one rule resolver over a registry's caches, shared by the authorizer and the escalation checks. */
export function registryRuleResolver(registry: Registry): RuleResolver {
  let r = resolvers.get(registry);
  if (!r) resolvers.set(registry, r = new RuleResolver(registryRbacSource(() => registry)));
  return r;
}
