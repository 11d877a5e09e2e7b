import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../../api/errors.js';
import type { KubeObject } from '../../../api/object.js';
import { celMatchConditions } from './match-conditions.js';
import { attributes, memorySources, startTestWebhookServer, type TestWebhookServer } from './testing.js';
import { validatingAdmissionWebhook } from './validating.js';

let server: TestWebhookServer;
before(async () => {
  server = await startTestWebhookServer({ '/deny': () => ({ allowed: false, status: { message: 'called' } }) });
});
after(() => server.close());

// Only alice may list secrets.
const matchConditions = celMatchConditions(attrs => ({ decision: attrs.user.username === 'alice' && attrs.resource === 'secrets' ? 'allow' : 'noOpinion', reason: '' }));

function plugin(conditions: { name: string; expression: string }[], failurePolicy = 'Fail') {
  const config = {
    apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'mc' },
    webhooks: [{
      name: 'mc.k8ts.test', clientConfig: { url: server.url('/deny'), caBundle: server.caBundle },
      rules: [{ operations: ['*'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'], scope: '*' }],
      failurePolicy, matchPolicy: 'Equivalent', namespaceSelector: {}, objectSelector: {}, sideEffects: 'None', timeoutSeconds: 10,
      admissionReviewVersions: ['v1'], matchConditions: conditions,
    }],
  } as unknown as KubeObject;
  return validatingAdmissionWebhook(memorySources({ configurations: [config], namespaces: { team: {} }, matchConditions }));
}

const create = (username = 'alice', labels: Record<string, string> = {}) => attributes('', 'v1', 'configmaps', {
  operation: 'CREATE', namespace: 'team', name: 'cm', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'team', labels } },
}, { user: { username, groups: ['system:authenticated'] } });

const outcome = async (p: void | Promise<unknown>) => Promise.resolve(p).then(() => 'skipped', (e: unknown) => (e instanceof StatusError ? e.toStatus() : e));

test('all conditions true: the webhook is called; any false: it is skipped', async () => {
  const called = await outcome(plugin([{ name: 'labelled', expression: "'env' in object.metadata.labels" }, { name: 'create', expression: "request.operation == 'CREATE'" }]).validate!(create('alice', { env: 'x' })));
  assert.equal((called as { message: string }).message, 'admission webhook "mc.k8ts.test" denied the request: called');
  assert.equal(await outcome(plugin([{ name: 'labelled', expression: "'env' in object.metadata.labels" }]).validate!(create('alice'))), 'skipped');
  // A false condition wins over an error in another.
  assert.equal(await outcome(plugin([{ name: 'broken', expression: 'object.spec.x == 1' }, { name: 'no', expression: 'false' }]).validate!(create())), 'skipped');
});

test("the request and the requester's permissions are visible to conditions", async () => {
  const onlyListers = plugin([{ name: 'lister', expression: "authorizer.group('').resource('secrets').namespace(request.namespace).check('list').allowed()" }]);
  assert.notEqual(await outcome(onlyListers.validate!(create('alice'))), 'skipped');
  assert.equal(await outcome(onlyListers.validate!(create('bob'))), 'skipped');
  const notAdmins = plugin([{ name: 'not-admin', expression: "!('system:masters' in request.userInfo.groups)" }]);
  assert.notEqual(await outcome(notAdmins.validate!(create('carol'))), 'skipped');
});

test('an evaluation error follows failurePolicy: Fail is a Forbidden, Ignore skips the webhook', async () => {
  const broken = [{ name: 'broken', expression: 'object.spec.x == 1' }, { name: 'yes', expression: 'true' }];
  assert.deepEqual(await outcome(plugin(broken).validate!(create())), {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
    message: 'configmaps "cm" is forbidden: expression \'object.spec.x == 1\' resulted in error: no such key: spec',
    reason: 'Forbidden', details: { name: 'cm', kind: 'configmaps' }, code: 403,
  });
  assert.equal(await outcome(plugin(broken, 'Ignore').validate!(create())), 'skipped');
});
