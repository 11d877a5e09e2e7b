// Small builders for the bootstrap policy, shaped like upstream's rbacv1helpers
// (NewRule(verbs).Groups(...).Resources(...).Names(...), NewClusterBinding(role).Users/Groups/SAs).
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, Subject } from '../../../../api/types/generated.js';
import { RBAC_GROUP } from '../source.js';

export const READ = ['get', 'list', 'watch'];
export const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection'];
export const READ_WRITE = [...READ, ...WRITE];
export const READ_UPDATE = ['get', 'list', 'watch', 'update', 'patch'];

export const BOOTSTRAP_LABELS = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
export const AUTOUPDATE_ANNOTATION = 'rbac.authorization.kubernetes.io/autoupdate';

export function rule(verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): PolicyRule {
  return { verbs, apiGroups, resources, ...(resourceNames ? { resourceNames } : {}) };
}

export function urls(verbs: string[], nonResourceURLs: string[]): PolicyRule {
  return { verbs, nonResourceURLs };
}

/** Upstream's eventsRule: what every component recording Events needs. */
export function eventsRule(): PolicyRule {
  return rule(['create', 'update', 'patch'], ['', 'events.k8s.io'], ['events']);
}

export const users = (...names: string[]): Subject[] => names.map(name => ({ kind: 'User', apiGroup: RBAC_GROUP, name }));
export const groups = (...names: string[]): Subject[] => names.map(name => ({ kind: 'Group', apiGroup: RBAC_GROUP, name }));
export const serviceAccount = (namespace: string, name: string): Subject => ({ kind: 'ServiceAccount', name, namespace });

function metadata(name: string, labels: Record<string, string> = {}, namespace?: string) {
  return {
    name,
    ...(namespace ? { namespace } : {}),
    labels: { ...labels, ...BOOTSTRAP_LABELS },
    annotations: { [AUTOUPDATE_ANNOTATION]: 'true' },
  };
}

export function clusterRole(name: string, rules: PolicyRule[], o: { labels?: Record<string, string>; aggregateFrom?: string } = {}): ClusterRole {
  return {
    apiVersion: `${RBAC_GROUP}/v1`, kind: 'ClusterRole', metadata: metadata(name, o.labels),
    ...(o.aggregateFrom ? { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [o.aggregateFrom]: 'true' } }] } } : {}),
    rules,
  };
}

export function clusterRoleBinding(role: string, subjects: Subject[], name = role): ClusterRoleBinding {
  return { apiVersion: `${RBAC_GROUP}/v1`, kind: 'ClusterRoleBinding', metadata: metadata(name), roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: role }, subjects };
}

export function role(namespace: string, name: string, rules: PolicyRule[]): Role {
  return { apiVersion: `${RBAC_GROUP}/v1`, kind: 'Role', metadata: metadata(name, {}, namespace), rules };
}

export function roleBinding(namespace: string, role: string, subjects: Subject[], name = role): RoleBinding {
  return { apiVersion: `${RBAC_GROUP}/v1`, kind: 'RoleBinding', metadata: metadata(name, {}, namespace), roleRef: { apiGroup: RBAC_GROUP, kind: 'Role', name: role }, subjects };
}
