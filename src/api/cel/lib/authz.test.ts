import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compile } from '../program.js';
import { toJson } from '../values.js';
import { CelAuthorizer, type AuthzAttributes } from './authz.js';

const user = { username: 'jane', groups: ['devs'] };

/** Allows jane to get pods in `ns1` and GET /healthz; any service account may list deployments. */
function decide(a: AuthzAttributes) {
  if (a.user.username === 'jane' && a.isResourceRequest && a.resource === 'pods' && !a.subresource && a.namespace === 'ns1' && a.verb === 'get') return { decision: 'allow' as const, reason: 'rule 1' };
  if (!a.isResourceRequest && a.path === '/healthz' && a.verb === 'get') return { decision: 'allow' as const, reason: 'rule 2' };
  if (a.user.username.startsWith('system:serviceaccount:') && a.apiGroup === 'apps' && a.resource === 'deployments' && a.verb === 'list') return { decision: 'allow' as const, reason: 'sa rule' };
  if (a.resource === 'secrets') throw new Error('authorizer down');
  return { decision: 'noOpinion' as const, reason: 'no rule' };
}

const run = (authz: CelAuthorizer, expr: string) => toJson(compile(expr, ['authorizer']).evaluate({ authorizer: authz.value() }));

test('resource and path checks ask the injected authorizer as the requesting user', () => {
  const asked: AuthzAttributes[] = [];
  const authz = new CelAuthorizer(a => (asked.push(a), decide(a)), user);
  assert.equal(run(authz, "authorizer.group('').resource('pods').namespace('ns1').check('get').allowed()"), true);
  assert.equal(run(authz, "authorizer.group('').resource('pods').namespace('ns2').check('get').allowed()"), false);
  assert.equal(run(authz, "authorizer.group('').resource('pods').namespace('ns1').check('get').reason()"), 'rule 1');
  assert.equal(run(authz, "authorizer.path('/healthz').check('GET').allowed()"), true);
  assert.equal(run(authz, "authorizer.group('').resource('pods').subresource('log').namespace('ns1').name('p').check('get').allowed()"), false);
  assert.deepEqual(asked.at(-1), { user, verb: 'get', isResourceRequest: true, apiGroup: '', resource: 'pods', subresource: 'log', namespace: 'ns1', name: 'p', path: '' });
  // The same question twice is answered from the request's cache.
  const before = asked.length;
  run(authz, "authorizer.group('').resource('pods').namespace('ns1').check('get').allowed()");
  assert.equal(asked.length, before);
});

test('serviceAccount checks as that service account', () => {
  const authz = new CelAuthorizer(decide, user);
  assert.equal(run(authz, "authorizer.serviceAccount('kube-system', 'ctl').group('apps').resource('deployments').check('list').allowed()"), true);
  assert.equal(run(authz, "authorizer.group('apps').resource('deployments').check('list').allowed()"), false);
});

test('an authorizer failure is an errored decision', () => {
  const authz = new CelAuthorizer(decide, user);
  assert.equal(run(authz, "authorizer.group('').resource('secrets').check('get').errored()"), true);
  assert.equal(run(authz, "authorizer.group('').resource('secrets').check('get').error()"), 'authorizer down');
  assert.equal(run(authz, "authorizer.group('').resource('pods').check('get').errored()"), false);
});

test('asynchronous answers are settled and the expression evaluated again', async () => {
  const authz = new CelAuthorizer(async a => decide(a), user);
  const expr = "authorizer.group('').resource('pods').namespace('ns1').check('get').allowed() && authorizer.path('/healthz').check('get').allowed()";
  let result = run(authz, expr);
  let rounds = 0;
  while (await authz.settle()) {
    result = run(authz, expr);
    rounds++;
  }
  assert.equal(result, true);
  assert.equal(rounds, 2);
});
