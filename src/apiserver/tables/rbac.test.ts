import assert from 'node:assert/strict';
import { test } from 'node:test';
import { columns, row } from './testing.js';

const subjects = [
  { kind: 'User', name: 'alice' }, { kind: 'User', name: 'bob' }, { kind: 'Group', name: 'devs' },
  { kind: 'ServiceAccount', name: 'builder', namespace: 'ci' },
];

test('role bindings: role reference and wide subject columns', () => {
  assert.deepEqual(columns('rbac.authorization.k8s.io', 'rolebindings'), [
    'Name:string:name:0', 'Role:string::0', 'Age:string::0', 'Users:string::1', 'Groups:string::1', 'ServiceAccounts:string::1',
  ]);
  const r = row('rbac.authorization.k8s.io', 'rolebindings', { metadata: { name: 'rb' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects });
  assert.deepEqual([r.Role, r.Users, r.Groups, r.ServiceAccounts], ['ClusterRole/view', 'alice, bob', 'devs', 'ci/builder']);
  assert.equal(row('rbac.authorization.k8s.io', 'clusterrolebindings', { metadata: { name: 'crb' }, roleRef: { kind: 'ClusterRole', name: 'admin' } }).Users, '');
});

test('roles and cluster roles use the default table', () => {
  assert.deepEqual(columns('rbac.authorization.k8s.io', 'clusterroles'), ['Name:string:name:0', 'Created At:date::0']);
});

test('pod disruption budgets print int-or-string bounds, N/A when unset', () => {
  assert.deepEqual(columns('policy', 'poddisruptionbudgets'), [
    'Name:string:name:0', 'Min Available:string::0', 'Max Unavailable:string::0', 'Allowed Disruptions:integer::0', 'Age:string::0',
  ]);
  const r = row('policy', 'poddisruptionbudgets', { metadata: { name: 'pdb' }, spec: { maxUnavailable: '25%' }, status: { disruptionsAllowed: 1 } });
  assert.deepEqual([r['Min Available'], r['Max Unavailable'], r['Allowed Disruptions']], ['N/A', '25%', 1]);
  assert.equal(row('policy', 'poddisruptionbudgets', { metadata: { name: 'p' }, spec: { minAvailable: 2 } })['Min Available'], '2');
});
