import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forbiddenError } from './forbidden.js';

const alice = { username: 'alice', groups: ['system:authenticated'] };
const res = (o: Partial<{ verb: string; group: string; resource: string; subresource: string; name: string; namespace: string }>) =>
  ({ isResourceRequest: true as const, verb: 'list', group: '', resource: 'secrets', subresource: '', name: '', namespace: '', ...o });

test('upstream\'s wording: collection, named object, subresource, group, cluster scope, path, reason', () => {
  const list = forbiddenError(alice, res({ namespace: 'default' }), '');
  assert.equal(list.message, 'secrets is forbidden: User "alice" cannot list resource "secrets" in API group "" in the namespace "default"');
  assert.deepEqual(list.toStatus().details, { kind: 'secrets' });
  assert.equal(list.code, 403);
  const log = forbiddenError(alice, res({ verb: 'get', resource: 'pods', subresource: 'log', name: 'p', namespace: 'ns' }), '');
  assert.equal(log.message, 'pods "p" is forbidden: User "alice" cannot get resource "pods/log" in API group "" in the namespace "ns"');
  assert.deepEqual(log.toStatus().details, { name: 'p', kind: 'pods' });
  const cluster = forbiddenError(alice, res({ verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'clusterroles' }), '');
  assert.equal(cluster.message, 'clusterroles.rbac.authorization.k8s.io is forbidden: User "alice" cannot create resource "clusterroles" in API group "rbac.authorization.k8s.io" at the cluster scope');
  assert.deepEqual(cluster.toStatus().details, { group: 'rbac.authorization.k8s.io', kind: 'clusterroles' });
  const path = forbiddenError(alice, { isResourceRequest: false, verb: 'get', path: '/metrics' }, '');
  assert.equal(path.message, 'forbidden: User "alice" cannot get path "/metrics"');
  const reason = forbiddenError(alice, res({ namespace: 'default' }), 'RBAC: clusterrole.rbac.authorization.k8s.io "x" not found');
  assert.equal(reason.message, 'secrets is forbidden: User "alice" cannot list resource "secrets" in API group "" in the namespace "default": RBAC: clusterrole.rbac.authorization.k8s.io "x" not found');
});
