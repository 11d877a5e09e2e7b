import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ForbiddenError } from '../../../api/errors.js';
import type { RequestContext, UserInfo } from '../../context.js';
import { rbacAuthorizer } from './authorizer.js';
import { covers, compactRules, compactString } from './covers.js';
import { EscalationGuard } from './escalation.js';
import { clusterRole, clusterRoleBinding, roleBinding, rule, users } from './policy/rule.js';
import { RuleResolver } from './resolver.js';
import { staticRbacSource } from './source.js';

const resolver = new RuleResolver(staticRbacSource({
  clusterRoles: [
    clusterRole('edit', [rule(['get', 'create'], [''], ['pods', 'configmaps'])]),
    clusterRole('admin', [rule(['*'], [''], ['pods', 'configmaps']), rule(['*'], ['rbac.authorization.k8s.io'], ['roles', 'rolebindings'])]),
    clusterRole('binder', [rule(['bind'], ['rbac.authorization.k8s.io'], ['clusterroles'], ['admin'])]),
  ],
  roleBindings: [
    { ...roleBinding('team', 'edit', users('eve')), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' } },
    { ...roleBinding('team', 'binder', users('bob')), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'binder' } },
  ],
}));
const guard = new EscalationGuard(resolver);
const ctx = (user: UserInfo): RequestContext => ({ user, userAgent: '', dryRun: false, fieldValidation: 'Ignore', warnings: [], authorizer: rbacAuthorizer(resolver) });
const eve = { username: 'eve', groups: ['system:authenticated'] };

test('covers breaks rules into single permissions; */sub and url prefixes cover', () => {
  assert.deepEqual(covers([rule(['*'], ['*'], ['*/scale'])], [rule(['get'], ['apps'], ['deployments/scale'])]).covered, true);
  assert.equal(covers([rule(['get'], [''], ['pods'])], [rule(['get'], [''], ['pods'], ['a'])]).covered, true);
  assert.equal(covers([rule(['get'], [''], ['pods'], ['a'])], [rule(['get'], [''], ['pods'])]).covered, false);
  assert.equal(covers([{ verbs: ['get'], nonResourceURLs: ['/apis/*'] }], [{ verbs: ['get'], nonResourceURLs: ['/apis/apps'] }]).covered, true);
  const { missing } = covers([rule(['get'], [''], ['pods'])], [rule(['get', 'list', 'delete'], [''], ['pods'])]);
  assert.deepEqual(compactRules(missing).map(compactString), ['{APIGroups:[""], Resources:["pods"], Verbs:["list" "delete"]}']);
});

test('a user may create a role with permissions it holds, not more (upstream message)', async () => {
  const role = { ...clusterRole('r', [rule(['get'], [''], ['pods'])]), metadata: { name: 'r', namespace: 'team' } };
  await guard.checkRole(ctx(eve), 'roles', role);
  const grabby = { ...role, rules: [rule(['get', 'delete'], [''], ['pods', 'secrets'])] };
  await assert.rejects(guard.checkRole(ctx(eve), 'roles', grabby), (err: ForbiddenError) => {
    assert.equal(err.code, 403);
    assert.equal(err.message, 'roles.rbac.authorization.k8s.io "r" is forbidden: user "eve" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n'
      + '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}\n{APIGroups:[""], Resources:["secrets"], Verbs:["get" "delete"]}');
    return true;
  });
  // Elsewhere eve holds nothing.
  await assert.rejects(guard.checkRole(ctx(eve), 'roles', { ...role, metadata: { name: 'r', namespace: 'other' } }), ForbiddenError);
  // An unchanged rule set is not checked again (labels may change).
  await guard.checkRole(ctx(eve), 'roles', grabby, grabby);
  // system:masters may do anything.
  await guard.checkRole(ctx({ username: 'root', groups: ['system:masters'] }), 'roles', grabby);
});

test('binding a role needs its permissions, or bind on it', async () => {
  const toAdmin = { ...roleBinding('team', 'admin', users('eve'), 'eve-admin'), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' } };
  await assert.rejects(guard.checkBinding(ctx(eve), 'rolebindings', toAdmin), /rolebindings.rbac.authorization.k8s.io "eve-admin" is forbidden: user "eve" .* is attempting to grant RBAC permissions not currently held/);
  const toEdit = { ...toAdmin, roleRef: { ...toAdmin.roleRef, name: 'edit' } };
  await guard.checkBinding(ctx(eve), 'rolebindings', toEdit);
  // bob holds nothing of admin's but may bind it in team.
  await guard.checkBinding(ctx({ username: 'bob', groups: [] }), 'rolebindings', toAdmin);
  await assert.rejects(guard.checkBinding(ctx({ username: 'bob', groups: [] }), 'clusterrolebindings', clusterRoleBinding('admin', users('bob'))), ForbiddenError);
  // A missing role is NotFound.
  await assert.rejects(guard.checkBinding(ctx(eve), 'rolebindings', { ...toAdmin, roleRef: { ...toAdmin.roleRef, name: 'nope' } }), /clusterrole.rbac.authorization.k8s.io "nope" not found/);
});

test('an aggregationRule needs cluster-admin powers', async () => {
  const agg = { ...clusterRole('agg', [], { aggregateFrom: 'x' }) };
  await assert.rejects(guard.checkRole(ctx(eve), 'clusterroles', agg), /must have cluster-admin privileges to use the aggregationRule/);
});
