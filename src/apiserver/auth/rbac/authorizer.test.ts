import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '../../../api/types/generated.js';
import { rbacAuthorizer } from './authorizer.js';
import type { Attributes } from '../attributes.js';
import { staticRbacSource } from './source.js';

const G = 'rbac.authorization.k8s.io';
const clusterRoles: ClusterRole[] = [
  { metadata: { name: 'view' }, rules: [{ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods', 'configmaps'] }] },
  { metadata: { name: 'discovery' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/api', '/api/*'] }] },
];
const roles: Role[] = [{ metadata: { name: 'secret-reader', namespace: 'team' }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['s1'] }] }];
const clusterRoleBindings: ClusterRoleBinding[] = [
  { metadata: { name: 'discovery' }, roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'discovery' }, subjects: [{ kind: 'Group', apiGroup: G, name: 'system:authenticated' }] },
  { metadata: { name: 'broken' }, roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'missing' }, subjects: [{ kind: 'User', apiGroup: G, name: 'bob' }] },
];
const roleBindings: RoleBinding[] = [
  { metadata: { name: 'viewers', namespace: 'team' }, roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', apiGroup: G, name: 'alice' }, { kind: 'ServiceAccount', name: 'robot' }] },
  { metadata: { name: 'secrets', namespace: 'team' }, roleRef: { apiGroup: G, kind: 'Role', name: 'secret-reader' }, subjects: [{ kind: 'Group', apiGroup: G, name: 'readers' }] },
];
const authz = rbacAuthorizer(staticRbacSource({ clusterRoles, roles, clusterRoleBindings, roleBindings }));

const get = (resource: string, namespace: string, name = ''): Attributes =>
  ({ isResourceRequest: true, verb: name ? 'get' : 'list', group: '', resource, subresource: '', name, namespace });
const alice = { username: 'alice', groups: ['system:authenticated'] };

test('a RoleBinding to a ClusterRole grants it in its namespace only, and says why', async () => {
  assert.deepEqual(await authz.authorize(alice, get('pods', 'team')),
    { allowed: true, reason: 'RBAC: allowed by RoleBinding "viewers/team" of ClusterRole "view" to User "alice"' });
  assert.deepEqual(await authz.authorize(alice, get('pods', 'other')), { allowed: false, reason: '' });
  assert.deepEqual(await authz.authorize(alice, get('pods', '')), { allowed: false, reason: '' });
});

test('groups and service accounts (namespace defaulted to the binding\'s) are subjects', async () => {
  const robot = { username: 'system:serviceaccount:team:robot', groups: ['system:serviceaccounts', 'system:serviceaccounts:team', 'system:authenticated'] };
  assert.equal((await authz.authorize(robot, get('configmaps', 'team'))).reason, 'RBAC: allowed by RoleBinding "viewers/team" of ClusterRole "view" to ServiceAccount "robot/team"');
  const other = { username: 'system:serviceaccount:other:robot', groups: [] };
  assert.equal((await authz.authorize(other, get('configmaps', 'team'))).allowed, false);
  const reader = { username: 'carol', groups: ['readers'] };
  assert.equal((await authz.authorize(reader, get('secrets', 'team', 's1'))).allowed, true);
  assert.equal((await authz.authorize(reader, get('secrets', 'team', 's2'))).allowed, false);
});

test('cluster bindings apply everywhere, and a missing role is the reason given', async () => {
  assert.equal((await authz.authorize(alice, { isResourceRequest: false, verb: 'get', path: '/api/v1' })).allowed, true);
  assert.deepEqual(await authz.authorize({ username: 'bob', groups: [] }, get('pods', 'team')),
    { allowed: false, reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "missing" not found' });
});

test('rulesFor lists resource and non-resource rules separately', () => {
  const r = authz.rulesFor!(alice, 'team');
  assert.deepEqual(r.nonResourceRules, [{ verbs: ['get'], nonResourceURLs: ['/api', '/api/*'] }]);
  assert.deepEqual(r.resourceRules.map(x => x.resources), [['pods', 'configmaps']]);
  assert.equal(r.incomplete, false);
});
