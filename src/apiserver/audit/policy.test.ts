import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRequestInfo } from '../request-info.js';
import { AuditPolicyError, evaluatePolicy, parseAuditPolicy, type AuditPolicy } from './policy.js';

const policy = (rules: unknown[], extra: Record<string, unknown> = {}) => parseAuditPolicy({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules, ...extra });
const alice = { username: 'alice', groups: ['devs', 'system:authenticated'] };
const level = (p: AuditPolicy, method: string, path: string, user: typeof alice | null = alice) => {
  const url = new URL(path, 'https://x');
  return evaluatePolicy(p, { user: user ?? undefined, request: parseRequestInfo(method, url.pathname, url.searchParams) }).level;
};

test('the first matching rule wins; nothing matching is None', () => {
  const p = policy([
    { level: 'None', verbs: ['watch', 'get'], resources: [{ group: '', resources: ['events'] }] },
    { level: 'Metadata', resources: [{ group: '', resources: ['secrets'] }] },
    { level: 'RequestResponse', resources: [{ group: '', resources: ['configmaps'] }] },
    { level: 'Request', verbs: ['create'] },
  ]);
  assert.equal(level(p, 'GET', '/api/v1/namespaces/a/events/e1'), 'None');
  assert.equal(level(p, 'GET', '/api/v1/namespaces/a/events?watch=true'), 'None');
  assert.equal(level(p, 'POST', '/api/v1/namespaces/a/events'), 'Request');
  assert.equal(level(p, 'POST', '/api/v1/namespaces/a/secrets'), 'Metadata');
  assert.equal(level(p, 'GET', '/api/v1/configmaps'), 'RequestResponse');
  assert.equal(level(p, 'GET', '/api/v1/pods'), 'None');
});

test('users, groups, namespaces and resource names narrow a rule', () => {
  const p = policy([
    { level: 'RequestResponse', users: ['bob'] },
    { level: 'Request', userGroups: ['devs'], namespaces: ['prod'] },
    { level: 'Metadata', resources: [{ group: 'apps', resources: ['deployments'], resourceNames: ['web'] }] },
  ]);
  assert.equal(level(p, 'GET', '/api/v1/pods', { username: 'bob', groups: [] }), 'RequestResponse');
  assert.equal(level(p, 'GET', '/api/v1/namespaces/prod/pods'), 'Request');
  assert.equal(level(p, 'GET', '/api/v1/namespaces/dev/pods'), 'None');
  assert.equal(level(p, 'GET', '/apis/apps/v1/namespaces/dev/deployments/web'), 'Metadata');
  assert.equal(level(p, 'GET', '/apis/apps/v1/namespaces/dev/deployments/api'), 'None');
  // A request without a user (failed authentication) matches no user or group rule.
  assert.equal(level(p, 'GET', '/api/v1/namespaces/prod/pods', null), 'None');
});

test('subresources: res/sub, */sub and res/* as upstream', () => {
  const p = policy([
    { level: 'RequestResponse', resources: [{ resources: ['pods/log'] }] },
    { level: 'Request', resources: [{ resources: ['*/status'] }] },
    { level: 'Metadata', resources: [{ resources: ['deployments/*'], group: 'apps' }] },
    { level: 'None', resources: [{ resources: ['pods'] }] },
    { level: 'Metadata' },
  ]);
  assert.equal(level(p, 'GET', '/api/v1/namespaces/a/pods/p/log'), 'RequestResponse');
  assert.equal(level(p, 'PUT', '/api/v1/namespaces/a/services/s/status'), 'Request');
  assert.equal(level(p, 'PATCH', '/apis/apps/v1/namespaces/a/deployments/d/scale'), 'Metadata');
  assert.equal(level(p, 'GET', '/apis/apps/v1/namespaces/a/deployments/d'), 'Metadata', '"deployments/*" is no rule for deployments itself; the catch-all is');
  assert.equal(level(p, 'GET', '/api/v1/namespaces/a/pods/p'), 'None');
  assert.equal(level(p, 'GET', '/api/v1/namespaces/a/pods/p/exec'), 'Metadata', '"pods" does not cover its subresources');
});

test('non-resource URLs, with a trailing wildcard; resource rules never match them', () => {
  const p = policy([
    { level: 'None', nonResourceURLs: ['/healthz*', '/version'] },
    { level: 'Request', resources: [{ resources: ['*'] }] },
    { level: 'Metadata', nonResourceURLs: ['*'] },
  ]);
  assert.equal(level(p, 'GET', '/healthz/ready'), 'None');
  assert.equal(level(p, 'GET', '/version'), 'None');
  assert.equal(level(p, 'GET', '/apis'), 'Metadata');
  assert.equal(level(p, 'GET', '/api/v1/nodes'), 'Request');
});

test('omitStages merge the policy\'s and the rule\'s; omitManagedFields falls back to the policy', () => {
  const p = policy([{ level: 'Metadata', omitStages: ['ResponseStarted'], resources: [{ resources: ['pods'] }], omitManagedFields: false }, { level: 'Request' }], { omitStages: ['RequestReceived'], omitManagedFields: true });
  const pods = evaluatePolicy(p, { user: alice, request: parseRequestInfo('GET', '/api/v1/pods', new URLSearchParams()) });
  assert.deepEqual([...pods.omitStages].sort(), ['RequestReceived', 'ResponseStarted']);
  assert.equal(pods.omitManagedFields, false);
  const nodes = evaluatePolicy(p, { user: alice, request: parseRequestInfo('GET', '/api/v1/nodes', new URLSearchParams()) });
  assert.deepEqual([...nodes.omitStages], ['RequestReceived']);
  assert.equal(nodes.omitManagedFields, true);
});

test('policies are validated with upstream\'s messages', () => {
  const refused = (rules: unknown[], extra = {}) => assert.throws(() => policy(rules, extra), AuditPolicyError);
  refused([]);
  assert.throws(() => policy([{ level: 'Verbose' }]), /rules\[0\]\.level: Unsupported value: "Verbose": supported values: "None", "Metadata", "Request", "RequestResponse"/);
  assert.throws(() => policy([{}]), /rules\[0\]\.level: Required value/);
  assert.throws(() => policy([{ level: 'None', nonResourceURLs: ['healthz'] }]), /non-resource URL rules must begin with a '\/' character/);
  assert.throws(() => policy([{ level: 'None', nonResourceURLs: ['/a*b'] }]), /non-resource URL wildcards '\*' must be the final character of the rule/);
  assert.throws(() => policy([{ level: 'None', nonResourceURLs: ['/a'], resources: [{ resources: ['pods'] }] }]), /rules cannot apply to both regular resources and non-resource URLs/);
  assert.throws(() => policy([{ level: 'None', resources: [{ resourceNames: ['x'] }] }]), /using resourceNames requires at least one resource/);
  assert.throws(() => policy([{ level: 'None', resources: [{ group: 'rbac.authorization.k8s.io/v1', resources: ['roles'] }] }]), /rules\[0\]\.resources\.group: Invalid value/);
  assert.throws(() => policy([{ level: 'None', omitStages: ['Done'] }]), /allowed stages are RequestReceived,ResponseStarted,ResponseComplete,Panic/);
  refused([{ level: 'None' }], { omitStages: ['Later'] });
  assert.throws(() => parseAuditPolicy({ apiVersion: 'audit.k8s.io/v1beta1', kind: 'Policy', rules: [{ level: 'None' }] }), /expected kind Policy in audit\.k8s\.io\/v1/);
});
