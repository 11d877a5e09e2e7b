// The ValidatingAdmissionPolicy plugin in a real registry on the in-memory store: policies,
// bindings and params are created through the API's stores (so they are validated and reach the
// watch caches as in the server), then writes go through the admission chain.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResourceCatalog } from '../../api/catalog.js';
import { parseCidr } from '../../api/cidr.js';
import { StatusError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { MemoryStore } from '../../storage/memory.js';
import type { Authorizer } from '../auth/authorizer.js';
import { systemContext, type RequestContext } from '../context.js';
import { Registry } from '../registry/registry.js';
import { strategies } from '../registry/strategies/index.js';
import { validatingAdmissionPolicy } from './validating-admission-policy.js';
import { AdmissionChain } from './types.js';

const AR = 'admissionregistration.k8s.io';
const deploymentRules = [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] }];

/** Allows user `jane` to create secrets, nothing else. */
const authorizer: Authorizer = {
  authorize: async (user, r) => (user.username === 'jane' && r.isResourceRequest && r.resource === 'secrets' && r.verb === 'create' ? { allowed: true } : { allowed: false, reason: 'no rule' }),
};

async function cluster() {
  let registry: Registry | undefined;
  const chain = new AdmissionChain([validatingAdmissionPolicy(() => registry!, () => authorizer)]);
  registry = new Registry(ResourceCatalog.shared(), new MemoryStore(), chain, strategies({ serviceCidr: parseCidr('10.43.0.0/16'), nodePortRange: { min: 30000, max: 32767 } }));
  await registry.start();
  const admin = systemContext('admin');
  const r = registry;
  const create = (group: string, resource: string, namespace: string, obj: object, ctx: RequestContext = admin) =>
    r.get(group, resource).create(ctx, namespace, obj as KubeObject);
  /** Waits until the watch cache of a resource holds the object (the plugin reads caches). */
  async function cached(group: string, resource: string, namespace: string, name: string) {
    while (!r.get(group, resource).getCached(namespace, name)) await new Promise(res => setTimeout(res, 5));
  }
  async function policy(name: string, spec: object, binding: object) {
    await create(AR, 'validatingadmissionpolicies', '', { apiVersion: `${AR}/v1`, kind: 'ValidatingAdmissionPolicy', metadata: { name }, spec });
    await create(AR, 'validatingadmissionpolicybindings', '', { apiVersion: `${AR}/v1`, kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: `${name}-binding` }, spec: { policyName: name, ...binding } });
    await cached(AR, 'validatingadmissionpolicies', '', name);
    await cached(AR, 'validatingadmissionpolicybindings', '', `${name}-binding`);
  }
  const deployment = (name: string, replicas: number, labels: Record<string, string> = {}) => ({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, labels },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
  });
  const namespace = async (name: string, labels: Record<string, string> = {}) => {
    await create('', 'namespaces', '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
    await cached('', 'namespaces', '', name);
  };
  return { registry: r, admin, create, cached, policy, deployment, namespace };
}

async function denied(p: Promise<unknown>): Promise<StatusError> {
  let caught: unknown;
  await p.catch(e => { caught = e; });
  assert.ok(caught instanceof StatusError, `expected a denial, got ${String(caught)}`);
  return caught;
}

test('a Deny binding rejects with upstream\'s message, reason and code; other resources pass', async () => {
  const c = await cluster();
  await c.namespace('default');
  await c.policy('replicas.example.com', { matchConstraints: { resourceRules: deploymentRules }, validations: [{ expression: 'object.spec.replicas <= 5' }] }, { validationActions: ['Deny'] });
  const err = await denied(c.create('apps', 'deployments', 'default', c.deployment('big', 6)));
  assert.equal(err.code, 422);
  assert.equal(err.reason, 'Invalid');
  assert.equal(err.message, 'deployments.apps "big" is forbidden: ValidatingAdmissionPolicy \'replicas.example.com\' with binding \'replicas.example.com-binding\' denied request: failed expression: object.spec.replicas <= 5');
  assert.deepEqual(err.details?.causes, [{ message: 'ValidatingAdmissionPolicy \'replicas.example.com\' with binding \'replicas.example.com-binding\' denied request: failed expression: object.spec.replicas <= 5' }]);
  await c.create('apps', 'deployments', 'default', c.deployment('small', 5));
  await c.create('', 'configmaps', 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
});

test('params from a ConfigMap named by the binding, messageExpression and reason', async () => {
  const c = await cluster();
  await c.namespace('default');
  await c.create('', 'configmaps', 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'limits' }, data: { maxReplicas: '3' } });
  await c.cached('', 'configmaps', 'default', 'limits');
  await c.policy('limit.example.com', {
    paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
    matchConstraints: { resourceRules: deploymentRules },
    variables: [{ name: 'max', expression: 'int(params.data.maxReplicas)' }],
    validations: [{ expression: 'object.spec.replicas <= variables.max', messageExpression: "'replicas ' + string(object.spec.replicas) + ' over the limit ' + string(variables.max) + ' of ' + params.kind + ' ' + params.metadata.name", reason: 'Forbidden' }],
  }, { validationActions: ['Deny'], paramRef: { name: 'limits', parameterNotFoundAction: 'Deny' } });
  const err = await denied(c.create('apps', 'deployments', 'default', c.deployment('web', 4)));
  assert.equal(err.code, 403);
  assert.equal(err.reason, 'Forbidden');
  assert.match(err.message, /denied request: replicas 4 over the limit 3 of ConfigMap limits$/);
  await c.create('apps', 'deployments', 'default', c.deployment('ok', 3));
  // In another namespace there is no such ConfigMap: parameterNotFoundAction Deny.
  await c.namespace('other');
  const missing = await denied(c.create('apps', 'deployments', 'other', c.deployment('web', 1)));
  assert.match(missing.message, /with binding 'limit\.example\.com-binding' denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction$/);
});

test('a binding\'s namespaceSelector limits it to labelled namespaces', async () => {
  const c = await cluster();
  await c.namespace('test', { environment: 'test' });
  await c.namespace('prod', { environment: 'prod' });
  await c.policy('ns.example.com', { matchConstraints: { resourceRules: deploymentRules }, validations: [{ expression: 'object.spec.replicas <= 2', message: 'at most 2 replicas in test' }] },
    { validationActions: ['Deny'], matchResources: { namespaceSelector: { matchLabels: { environment: 'test' } } } });
  const err = await denied(c.create('apps', 'deployments', 'test', c.deployment('web', 3)));
  assert.match(err.message, /denied request: at most 2 replicas in test$/);
  await c.create('apps', 'deployments', 'prod', c.deployment('web', 3));
});

test('Warn adds a warning and Audit an audit annotation, and neither rejects', async () => {
  const c = await cluster();
  await c.namespace('default');
  await c.policy('warn.example.com', {
    matchConstraints: { resourceRules: deploymentRules },
    validations: [{ expression: "has(object.metadata.labels) && 'team' in object.metadata.labels", message: 'deployments need a team label' }],
    auditAnnotations: [{ key: 'replicas', valueExpression: "'replicas=' + string(object.spec.replicas)" }],
  }, { validationActions: ['Warn', 'Audit'] });
  const ctx = { ...systemContext('admin'), warnings: [] as string[] };
  await c.create('apps', 'deployments', 'default', c.deployment('web', 2), ctx);
  assert.deepEqual(ctx.warnings, ["Validation failed for ValidatingAdmissionPolicy 'warn.example.com' with binding 'warn.example.com-binding': deployments need a team label"]);
  assert.deepEqual(ctx.auditAnnotations, {
    'validation.policy.admission.k8s.io/validation_failure': '[{"message":"deployments need a team label","policy":"warn.example.com","binding":"warn.example.com-binding","expressionIndex":0,"validationActions":["Warn","Audit"]}]',
    'warn.example.com/replicas': 'replicas=2',
  });
});

test('objectSelector, excludeResourceRules, matchConditions and failurePolicy', async () => {
  const c = await cluster();
  await c.namespace('default');
  await c.policy('strict.example.com', {
    matchConstraints: { resourceRules: deploymentRules, objectSelector: { matchLabels: { strict: 'yes' } } },
    matchConditions: [{ name: 'not-admin-named', expression: "object.metadata.name != 'exempt'" }],
    validations: [{ expression: 'object.spec.replicas == 1' }],
  }, { validationActions: ['Deny'] });
  await denied(c.create('apps', 'deployments', 'default', c.deployment('a', 2, { strict: 'yes' })));
  await c.create('apps', 'deployments', 'default', c.deployment('b', 2));
  await c.create('apps', 'deployments', 'default', c.deployment('exempt', 2, { strict: 'yes' }));
  // An evaluation error fails closed with Fail and open with Ignore.
  await c.policy('broken.example.com', { failurePolicy: 'Ignore', matchConstraints: { resourceRules: deploymentRules }, validations: [{ expression: 'object.spec.nosuch > 1' }] }, { validationActions: ['Deny'] });
  await c.create('apps', 'deployments', 'default', c.deployment('c', 1));
  await c.policy('broken2.example.com', { matchConstraints: { resourceRules: deploymentRules, excludeResourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['*'], resources: ['deployments'], resourceNames: ['skip'] }] }, validations: [{ expression: 'object.spec.nosuch > 1' }] }, { validationActions: ['Deny'] });
  const err = await denied(c.create('apps', 'deployments', 'default', c.deployment('d', 1)));
  assert.match(err.message, /denied request: expression 'object\.spec\.nosuch > 1' resulted in error: no such key: nosuch$/);
  await c.create('apps', 'deployments', 'default', c.deployment('skip', 1));
});

test('the authorizer variable checks as the requesting user', async () => {
  const c = await cluster();
  await c.namespace('default');
  await c.policy('authz.example.com', {
    matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['configmaps'] }] },
    validations: [{ expression: "authorizer.group('').resource('secrets').namespace(object.metadata.namespace).check('create').allowed()", message: 'only those who may create secrets may create configmaps' }],
  }, { validationActions: ['Deny'] });
  const jane = { ...systemContext('jane'), user: { username: 'jane', groups: [] } };
  const bob = { ...systemContext('bob'), user: { username: 'bob', groups: [] } };
  await c.create('', 'configmaps', 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default' } }, jane);
  const err = await denied(c.create('', 'configmaps', 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'default' } }, bob));
  assert.match(err.message, /^configmaps "b" is forbidden: .*only those who may create secrets may create configmaps$/);
});

test('policies and bindings themselves are exempt', async () => {
  const c = await cluster();
  await c.policy('all.example.com', { matchConstraints: { resourceRules: [{ apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*'] }] }, validations: [{ expression: 'false' }] }, { validationActions: ['Deny'] });
  await c.create(AR, 'validatingadmissionpolicybindings', '', { apiVersion: `${AR}/v1`, kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'another' }, spec: { policyName: 'all.example.com', validationActions: ['Deny'] } });
  await denied(c.create('', 'namespaces', '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }));
});
