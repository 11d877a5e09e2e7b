import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../../api/errors.js';
import type { KubeObject } from '../../../api/object.js';
import { attributes, memorySources, startTestWebhookServer, type TestWebhookServer } from './testing.js';
import { validatingAdmissionWebhook } from './validating.js';

let server: TestWebhookServer;
before(async () => {
  server = await startTestWebhookServer({
    '/allow': () => ({ allowed: true, warnings: ['looked at it'], auditAnnotations: { checked: 'yes' } }),
    '/deny': () => ({ allowed: false, status: { message: 'no configmaps today' } }),
    '/deny-bare': () => ({ allowed: false }),
    '/deny-coded': () => ({ allowed: false, status: { code: 422, reason: 'Invalid', message: 'bad data' } }),
    '/hang': () => 'hang',
    '/patch': () => ({ allowed: true, patchType: 'JSONPatch', patch: Buffer.from('[]').toString('base64') }),
  }, ['hooks.web.svc']);
});
after(() => server.close());

const configMap = (labels: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'team', labels }, data: { a: '1' } });

function config(hooks: Record<string, unknown>[]): KubeObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'checks' },
    webhooks: hooks.map(h => ({
      clientConfig: { url: server.url(h.path as string), caBundle: server.caBundle },
      rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'], scope: '*' }],
      failurePolicy: 'Fail', matchPolicy: 'Equivalent', namespaceSelector: {}, objectSelector: {}, sideEffects: 'None',
      timeoutSeconds: 10, admissionReviewVersions: ['v1'], ...h, path: undefined,
    })),
  } as KubeObject;
}

const create = (labels?: Record<string, string>, ctx = {}) => attributes('', 'v1', 'configmaps', { operation: 'CREATE', namespace: 'team', name: 'cm', object: configMap(labels) }, ctx);
const rejection = async (p: void | Promise<unknown>) => {
  const err = await Promise.resolve(p).then(() => undefined, e => e);
  assert.ok(err instanceof StatusError, `expected a StatusError, got ${err}`);
  return err.toStatus();
};

test('an allowing webhook lets the request through with its warnings and prefixed audit annotations', async () => {
  const plugin = validatingAdmissionWebhook(memorySources({ configurations: [config([{ name: 'allow.k8ts.test', path: '/allow' }])], namespaces: { team: {} } }));
  const a = create();
  await plugin.validate!(a);
  assert.deepEqual(a.ctx.warnings, ['looked at it']);
  assert.deepEqual(a.ctx.auditAnnotations, { 'allow.k8ts.test/checked': 'yes' });
  const review = server.received.at(-1)!.review;
  assert.equal(review.apiVersion, 'admission.k8s.io/v1');
  assert.deepEqual(Object.keys(review.request), ['uid', 'kind', 'resource', 'requestKind', 'requestResource', 'name', 'namespace', 'operation', 'userInfo', 'object', 'oldObject', 'dryRun', 'options']);
  assert.deepEqual(review.request.kind, { group: '', version: 'v1', kind: 'ConfigMap' });
  assert.deepEqual(review.request.userInfo, { username: 'alice', uid: 'u-1', groups: ['devs', 'system:authenticated'] });
  assert.equal(review.request.oldObject, null);
  assert.deepEqual(review.request.options, { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1', fieldValidation: 'Ignore' });
});

test("a denial is the webhook's status, prefixed as upstream's ToStatusErr", async () => {
  const deny = (path: string) => validatingAdmissionWebhook(memorySources({ configurations: [config([{ name: 'deny.k8ts.test', path }])], namespaces: { team: {} } })).validate!(create());
  assert.deepEqual(await rejection(deny('/deny')), {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'admission webhook "deny.k8ts.test" denied the request: no configmaps today', code: 400,
  });
  assert.equal((await rejection(deny('/deny-bare'))).message, 'admission webhook "deny.k8ts.test" denied the request without explanation');
  const coded = await rejection(deny('/deny-coded'));
  assert.equal(coded.code, 422);
  assert.equal(coded.reason, 'Invalid');
});

test('a webhook that does not answer in time fails the request, or is skipped with failurePolicy Ignore', async () => {
  const hook = { name: 'slow.k8ts.test', path: '/hang', timeoutSeconds: 1 };
  const failing = validatingAdmissionWebhook(memorySources({ configurations: [config([hook])], namespaces: { team: {} } }));
  const status = await rejection(failing.validate!(create()));
  assert.equal(status.code, 500);
  assert.equal(status.reason, 'InternalError');
  assert.equal(status.message, `Internal error occurred: failed calling webhook "slow.k8ts.test": failed to call webhook: Post "${server.url('/hang')}?timeout=1s": context deadline exceeded`);

  const ignoring = validatingAdmissionWebhook(memorySources({ configurations: [config([{ ...hook, failurePolicy: 'Ignore' }])], namespaces: { team: {} } }));
  const a = create();
  await ignoring.validate!(a);
  assert.deepEqual(a.ctx.auditAnnotations, { 'failed-open.validating.webhook.admission.k8s.io/round_0_index_0': 'slow.k8ts.test' });
});

test('the CA bundle is checked: a webhook certificate from another CA cannot be called', async () => {
  const other = await startTestWebhookServer({ '/allow': () => ({ allowed: true }) });
  try {
    const cfg = config([{ name: 'mitm.k8ts.test', path: '/allow' }]);
    (cfg as any).webhooks[0].clientConfig = { url: other.url('/allow'), caBundle: server.caBundle };
    const status = await rejection(validatingAdmissionWebhook(memorySources({ configurations: [cfg], namespaces: { team: {} } })).validate!(create()));
    assert.match(status.message!, /failed to call webhook: Post ".*": tls: failed to verify certificate: x509: certificate signed by unknown authority$/);
  } finally {
    await other.close();
  }
});

test('a validating webhook may not patch', async () => {
  const status = await rejection(validatingAdmissionWebhook(memorySources({ configurations: [config([{ name: 'patch.k8ts.test', path: '/patch' }])], namespaces: { team: {} } })).validate!(create()));
  assert.equal(status.message, 'Internal error occurred: failed calling webhook "patch.k8ts.test": received invalid webhook response: validating webhook may not return response.patch');
});

test('dry run reaches only webhooks without side effects; others refuse it whatever the failurePolicy', async () => {
  const sources = (sideEffects: string) => memorySources({ configurations: [config([{ name: 'allow.k8ts.test', path: '/allow', sideEffects, failurePolicy: 'Ignore' }])], namespaces: { team: {} } });
  await validatingAdmissionWebhook(sources('NoneOnDryRun')).validate!(create({}, { dryRun: true }));
  assert.equal(server.received.at(-1)!.review.request.dryRun, true);
  const status = await rejection(validatingAdmissionWebhook(sources('Some')).validate!(create({}, { dryRun: true })));
  assert.deepEqual([status.code, status.reason, status.message], [400, 'BadRequest', 'admission webhook "allow.k8ts.test" does not support dry run']);
});

test('a Service-backed webhook is called at a ready endpoint of its EndpointSlices, with the service name verified', async () => {
  const cfg = config([{ name: 'svc.k8ts.test', path: '/allow' }]);
  (cfg as any).webhooks[0].clientConfig = { service: { namespace: 'web', name: 'hooks', port: 443, path: '/allow' }, caBundle: server.caBundle };
  const services = [{ apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'web', name: 'hooks' }, spec: { ports: [{ name: 'https', port: 443, targetPort: server.port }] } }];
  const endpointSlices = [{
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { namespace: 'web', name: 'hooks-1', labels: { 'kubernetes.io/service-name': 'hooks' } },
    ports: [{ name: 'https', port: server.port }],
    endpoints: [{ addresses: ['10.255.255.1'], conditions: { ready: false } }, { addresses: ['127.0.0.1'], conditions: { ready: true } }],
  }];
  const before = server.received.length;
  await validatingAdmissionWebhook(memorySources({ configurations: [cfg], namespaces: { team: {} }, services, endpointSlices })).validate!(create());
  assert.equal(server.received.length, before + 1);

  // The certificate must name <service>.<namespace>.svc, whatever address the endpoint has.
  const renamed = structuredClone(cfg) as any;
  renamed.webhooks[0].clientConfig.service.name = 'other';
  const other = [{ ...services[0], metadata: { namespace: 'web', name: 'other' } }];
  const otherSlices = [{ ...endpointSlices[0], metadata: { namespace: 'web', name: 'other-1', labels: { 'kubernetes.io/service-name': 'other' } } }];
  const misnamed = await rejection(validatingAdmissionWebhook(memorySources({ configurations: [renamed], namespaces: { team: {} }, services: other, endpointSlices: otherSlices })).validate!(create()));
  assert.match(misnamed.message!, /Post "https:\/\/other\.web\.svc:443\/allow\?timeout=10s": tls: failed to verify certificate: x509: certificate is valid for hooks\.web\.svc, not other\.web\.svc$/);

  const noEndpoints = await rejection(validatingAdmissionWebhook(memorySources({ configurations: [cfg], namespaces: { team: {} }, services })).validate!(create()));
  assert.equal(noEndpoints.message, 'Internal error occurred: failed calling webhook "svc.k8ts.test": failed to call webhook: Post "https://hooks.web.svc:443/allow?timeout=10s": no endpoints available for service "hooks"');
});

test('webhooks run in parallel and the first error wins', async () => {
  const hooks = [{ name: 'slow.k8ts.test', path: '/hang', timeoutSeconds: 2 }, { name: 'deny.k8ts.test', path: '/deny' }];
  const status = await rejection(validatingAdmissionWebhook(memorySources({ configurations: [config(hooks)], namespaces: { team: {} } })).validate!(create()));
  assert.equal(status.message, 'admission webhook "deny.k8ts.test" denied the request: no configmaps today');
});

test("a webhook nobody listens for: Go's dial error in upstream's message", async () => {
  const gone = await startTestWebhookServer({});
  const url = gone.url('/allow');
  await gone.close();
  const cfg = config([{ name: 'gone.k8ts.test', path: '/allow' }]);
  (cfg as any).webhooks[0].clientConfig = { url, caBundle: gone.caBundle };
  const status = await rejection(validatingAdmissionWebhook(memorySources({ configurations: [cfg], namespaces: { team: {} } })).validate!(create()));
  assert.equal(status.message, `Internal error occurred: failed calling webhook "gone.k8ts.test": failed to call webhook: Post "${url}?timeout=10s": dial tcp 127.0.0.1:${gone.port}: connect: connection refused`);
  assert.deepEqual(status.details, { causes: [{ message: `failed calling webhook "gone.k8ts.test": failed to call webhook: Post "${url}?timeout=10s": dial tcp 127.0.0.1:${gone.port}: connect: connection refused` }] });
});
