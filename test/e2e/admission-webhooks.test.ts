// Admission webhooks end to end with the real kubectl: the test runs an HTTPS webhook server on
// 127.0.0.1 (certificate from a CA it makes) and registers it by `url` or through a selectorless
// Service whose EndpointSlice points at 127.0.0.1. Each case works in its own namespace, which the
// webhooks select by label, so the cases do not see each other's webhooks.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { jsonPatchResponse, startTestWebhookServer, type TestWebhookServer } from '../../src/apiserver/admission/webhook/testing.js';
import { TestCluster, eventually } from './harness.js';

const SERVICE_DNS = 'hooks.webhook-system.svc';

describe('admission webhooks with kubectl', () => {
  let c: TestCluster;
  let hooks: TestWebhookServer;

  before(async () => {
    hooks = await startTestWebhookServer({
      '/deny': () => ({ allowed: false, status: { message: 'configmaps are not welcome here' }, warnings: ['the deny webhook looked at this'] }),
      '/label': req => jsonPatchResponse([
        { op: 'add', path: '/metadata/labels', value: { ...(req.object.metadata.labels ?? {}), 'mutated-by': 'k8ts-test', 'dry-run': String(req.dryRun) } },
      ]),
      '/hang': () => 'hang',
      '/service-label': req => jsonPatchResponse([{ op: 'add', path: '/metadata/annotations', value: { ...(req.object.metadata.annotations ?? {}), via: 'service' } }]),
    }, [SERVICE_DNS]);
    c = await TestCluster.start();
  });

  after(async () => {
    await c?.stop();
    await hooks?.close();
  });

  const namespace = (name: string) => c.k(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'webhook-case': name } } }));

  /** A webhook configuration with one webhook on configmaps CREATE in namespaces labelled webhook-case=<scope>. */
  const register = (kind: 'Validating' | 'Mutating', name: string, scope: string, hook: Record<string, unknown>) => c.k(['create', '-f', '-'], JSON.stringify({
    apiVersion: 'admissionregistration.k8s.io/v1', kind: `${kind}WebhookConfiguration`, metadata: { name },
    webhooks: [{
      name: `${name}.k8ts.test`,
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }],
      namespaceSelector: { matchLabels: { 'webhook-case': scope } },
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
      ...hook,
      clientConfig: { caBundle: hooks.caBundle, ...(hook.clientConfig as object ?? {}) },
    }],
  }));
  const byUrl = (path: string) => ({ clientConfig: { url: hooks.url(path) } });

  test('a denying webhook: kubectl shows its message and warning; other namespaces and opted-out objects pass', async () => {
    await namespace('deny');
    await namespace('elsewhere');
    await register('Validating', 'deny', 'deny', { ...byUrl('/deny'), objectSelector: { matchExpressions: [{ key: 'skip-webhooks', operator: 'DoesNotExist' }] } });
    const denied = await c.kubectl(['create', 'configmap', 'refused', '-n', 'deny', '--from-literal=a=1']);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /error: failed to create configmap: admission webhook "deny\.k8ts\.test" denied the request: configmaps are not welcome here/);
    assert.match(denied.stderr, /Warning: the deny webhook looked at this/);
    assert.equal((await c.kubectl(['get', 'configmap', 'refused', '-n', 'deny'])).code, 1);

    // namespaceSelector: the same request elsewhere is not the webhook's business.
    await c.k(['create', 'configmap', 'fine', '-n', 'elsewhere', '--from-literal=a=1']);
    // objectSelector: an object labelled out of it is not either.
    await c.k(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'opted-out', namespace: 'deny', labels: { 'skip-webhooks': 'yes' } } }));
  });

  test('matchConditions: the webhook is called only when every condition holds', async () => {
    await namespace('conditions');
    await register('Validating', 'conditional', 'conditions', {
      ...byUrl('/deny'),
      matchConditions: [
        { name: 'not-exempt', expression: "!has(object.metadata.labels) || !('exempt' in object.metadata.labels)" },
        { name: 'by-admin', expression: "request.userInfo.username == 'admin' && authorizer.group('').resource('secrets').namespace(request.namespace).check('list').allowed()" },
      ],
    });
    const denied = await c.kubectl(['create', 'configmap', 'checked', '-n', 'conditions', '--from-literal=a=1']);
    assert.match(denied.stderr, /admission webhook "conditional\.k8ts\.test" denied the request/);
    await c.k(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'exempted', namespace: 'conditions', labels: { exempt: 'yes' } } }));
    // An expression that does not compile is refused when the configuration is written.
    const bad = await c.kubectl(['create', '-f', '-'], JSON.stringify({
      apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'bad-condition' },
      webhooks: [{ name: 'bad.k8ts.test', clientConfig: { url: hooks.url('/deny') }, sideEffects: 'None', admissionReviewVersions: ['v1'], matchConditions: [{ name: 'p', expression: 'params.x' }] }],
    }));
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /webhooks\[0\]\.matchConditions\[0\]\.expression: Invalid value: "params\.x": compilation failed: ERROR: <input>:1:1: undeclared reference to 'params'/);
  });

  test('a mutating webhook adds a label with a JSONPatch', async () => {
    await namespace('mutate');
    await register('Mutating', 'label', 'mutate', byUrl('/label'));
    await c.k(['create', 'configmap', 'stamped', '-n', 'mutate', '--from-literal=a=1']);
    const cm = JSON.parse(await c.k(['get', 'configmap', 'stamped', '-n', 'mutate', '-o', 'json']));
    assert.equal(cm.metadata.labels['mutated-by'], 'k8ts-test');
    assert.equal(cm.metadata.labels['dry-run'], 'false');
    const request = hooks.received.find(r => r.path === '/label' && r.review.request.name === 'stamped')!.review.request;
    assert.deepEqual(
      { kind: request.kind, resource: request.resource, namespace: request.namespace, operation: request.operation, oldObject: request.oldObject, options: request.options },
      {
        kind: { group: '', version: 'v1', kind: 'ConfigMap' }, resource: { group: '', version: 'v1', resource: 'configmaps' }, namespace: 'mutate', operation: 'CREATE',
        oldObject: null, options: { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1', fieldManager: 'kubectl-create', fieldValidation: 'Strict' },
      },
    );
    assert.deepEqual(request.object.data, { a: '1' });
  });

  test('dry run: a webhook without side effects is called with dryRun, and nothing is stored', async () => {
    await namespace('dry');
    await register('Mutating', 'dry-label', 'dry', { ...byUrl('/label'), sideEffects: 'NoneOnDryRun' });
    const out = JSON.parse(await c.k(['create', 'configmap', 'rehearsal', '-n', 'dry', '--from-literal=a=1', '--dry-run=server', '-o', 'json']));
    assert.equal(out.metadata.labels['dry-run'], 'true');
    assert.equal((await c.kubectl(['get', 'configmap', 'rehearsal', '-n', 'dry'])).code, 1);
    // v1 accepts only webhooks that declare no side effects (upstream's message).
    const unsafe = await c.kubectl(['create', '-f', '-'], JSON.stringify({
      apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'unsafe' },
      webhooks: [{ name: 'unsafe.k8ts.test', clientConfig: { url: hooks.url('/deny') }, sideEffects: 'Some', admissionReviewVersions: ['v1'] }],
    }));
    assert.notEqual(unsafe.code, 0);
    assert.match(unsafe.stderr, /webhooks\[0\]\.sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun"/);
  });

  test('a webhook that times out: failurePolicy Ignore lets the request through, Fail refuses it', async () => {
    await namespace('slow-open');
    await namespace('slow-closed');
    await register('Validating', 'slow-open', 'slow-open', { ...byUrl('/hang'), timeoutSeconds: 1, failurePolicy: 'Ignore' });
    await register('Validating', 'slow-closed', 'slow-closed', { ...byUrl('/hang'), timeoutSeconds: 1, failurePolicy: 'Fail' });
    await c.k(['create', 'configmap', 'passes', '-n', 'slow-open', '--from-literal=a=1']);
    const refused = await c.kubectl(['create', 'configmap', 'refused', '-n', 'slow-closed', '--from-literal=a=1']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, new RegExp(`Internal error occurred: failed calling webhook "slow-closed\\.k8ts\\.test": failed to call webhook: Post "https://127\\.0\\.0\\.1:${hooks.port}/hang\\?timeout=1s": context deadline exceeded`));
  });

  test('a Service-backed webhook is reached through the EndpointSlice of a selectorless Service', async () => {
    await c.k(['create', 'namespace', 'webhook-system']);
    await namespace('via-service');
    await c.k(['create', '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'hooks', namespace: 'webhook-system' },
      spec: { ports: [{ name: 'https', port: 443, targetPort: hooks.port }] },
    }));
    await c.k(['create', '-f', '-'], JSON.stringify({
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'hooks-local', namespace: 'webhook-system', labels: { 'kubernetes.io/service-name': 'hooks' } },
      addressType: 'IPv4', ports: [{ name: 'https', port: hooks.port, protocol: 'TCP' }], endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
    }));
    await register('Mutating', 'service', 'via-service', { clientConfig: { service: { namespace: 'webhook-system', name: 'hooks', path: '/service-label' } } });
    await eventually(async () => {
      await c.k(['create', 'configmap', 'routed', '-n', 'via-service', '--from-literal=a=1']);
      return true;
    }, 20_000, 'the Service-backed webhook');
    const cm = JSON.parse(await c.k(['get', 'configmap', 'routed', '-n', 'via-service', '-o', 'json']));
    assert.equal(cm.metadata.annotations.via, 'service');
    const call = hooks.received.find(r => r.path === '/service-label')!;
    assert.equal(call.review.request.namespace, 'via-service');
    assert.equal(call.review.request.userInfo.username, 'admin');
  });
});
