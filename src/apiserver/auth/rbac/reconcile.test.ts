import { test } from 'node:test';
import assert from 'node:assert/strict';
import { covers } from './covers.js';
import { bootstrapPolicy } from './policy/index.js';
import { clusterRole, clusterRoleBinding, groups, rule, users } from './policy/rule.js';
import { isProtected, reconcileBinding, reconcileRole } from './reconcile.js';

test('a role gains the rules, labels and annotations it lacks and keeps what it has', () => {
  const expected = clusterRole('r', [rule(['get', 'list'], [''], ['pods'])]);
  const existing = { ...clusterRole('r', [rule(['get'], [''], ['pods']), rule(['get'], [''], ['secrets'])]), metadata: { name: 'r', labels: { mine: 'x' } } };
  const next = reconcileRole(existing, expected)!;
  assert.deepEqual(next.metadata?.labels, { mine: 'x', 'kubernetes.io/bootstrapping': 'rbac-defaults' });
  assert.equal(next.metadata?.annotations?.['rbac.authorization.kubernetes.io/autoupdate'], 'true');
  assert.equal(covers(next.rules!, expected.rules!).covered, true);
  assert.ok(next.rules!.some(r => r.resources?.includes('secrets')), 'extra rules are kept');
  assert.equal(reconcileRole(next, expected), undefined, 'a reconciled role needs nothing more');
});

test('aggregated roles get missing selectors but their rules are left to the controller', () => {
  const expected = clusterRole('admin', [], { aggregateFrom: 'a' });
  const existing = { ...clusterRole('admin', [rule(['get'], [''], ['pods'])]), aggregationRule: { clusterRoleSelectors: [{ matchLabels: { b: 'true' } }] } };
  const next = reconcileRole(existing, expected)!;
  assert.deepEqual(next.rules, existing.rules);
  assert.deepEqual((next as { aggregationRule?: unknown }).aggregationRule, { clusterRoleSelectors: [{ matchLabels: { b: 'true' } }, { matchLabels: { a: 'true' } }] });
});

test('bindings gain missing subjects; a changed roleRef means re-creating', () => {
  const expected = clusterRoleBinding('view', groups('g1'));
  const existing = clusterRoleBinding('view', users('u1'));
  const r = reconcileBinding(existing, expected)!;
  assert.equal(r.recreate, false);
  assert.deepEqual(r.binding.subjects?.map(s => s.name), ['u1', 'g1']);
  assert.equal(reconcileBinding(r.binding, expected), undefined);
  assert.equal(reconcileBinding(clusterRoleBinding('edit', groups('g1'), 'view'), expected)!.recreate, true);
});

test('autoupdate "false" protects an object', () => {
  assert.equal(isProtected({ metadata: { annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'false' } } }), true);
  assert.equal(isProtected(clusterRole('x', [])), false);
});

test('the bootstrap policy: every binding names a role of the policy, every object is labelled', () => {
  const p = bootstrapPolicy();
  const clusterRoles = new Set(p.clusterRoles.map(r => r.metadata!.name));
  for (const b of p.clusterRoleBindings) assert.ok(clusterRoles.has(b.roleRef.name), b.metadata!.name);
  for (const b of p.roleBindings) assert.ok(p.roles.some(r => r.metadata!.name === b.roleRef.name && r.metadata!.namespace === b.metadata!.namespace), b.metadata!.name);
  for (const o of [...p.clusterRoles, ...p.clusterRoleBindings, ...p.roles, ...p.roleBindings]) {
    assert.equal(o.metadata?.labels?.['kubernetes.io/bootstrapping'], 'rbac-defaults');
  }
  assert.equal(clusterRoles.size, p.clusterRoles.length, 'names are unique');
  for (const name of ['cluster-admin', 'admin', 'edit', 'view', 'system:node', 'system:kube-scheduler', 'system:volume-scheduler', 'system:kube-controller-manager',
    'system:node-proxier', 'system:k8ts-controller', 'system:controller:deployment-controller', 'system:controller:servicelb', 'system:controller:clusterrole-aggregation-controller']) {
    assert.ok(clusterRoles.has(name), name);
  }
});
