import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { coreDefaults } from '../../../api/defaults/core.js';
import { StatusError } from '../../../api/errors.js';
import type { KubeObject } from '../../../api/object.js';
import { AdmissionChain, type AdmissionPlugin } from '../types.js';
import { mutatingAdmissionWebhook } from './mutating.js';
import { attributes, jsonPatchResponse, memorySources, startTestWebhookServer, type TestWebhookServer } from './testing.js';

let server: TestWebhookServer;
before(async () => {
  server = await startTestWebhookServer({
    '/label': req => (req.object?.metadata?.labels?.stamped ? { allowed: true } : jsonPatchResponse([{ op: 'add', path: '/metadata/labels', value: { ...(req.object.metadata.labels ?? {}), stamped: 'yes' } }])),
    '/sidecar': () => jsonPatchResponse([{ op: 'add', path: '/spec/containers/-', value: { name: 'sidecar', image: 'busybox' } }]),
    '/observe': () => ({ allowed: true }),
    '/bad-patch': () => ({ allowed: true, patchType: 'JSONPatch', patch: Buffer.from('{"not":"a list"}').toString('base64') }),
    '/wrong-type': () => jsonPatchResponse([{ op: 'replace', path: '/spec/containers', value: 'many' }]),
    '/remove-missing': () => jsonPatchResponse([{ op: 'remove', path: '/spec/nothing' }]),
  });
});
after(() => server.close());

function config(name: string, hooks: Record<string, unknown>[], resources = ['pods'], group = '', versions = ['v1']): KubeObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name },
    webhooks: hooks.map(h => ({
      clientConfig: { url: server.url(h.path as string), caBundle: server.caBundle },
      rules: [{ operations: ['*'], apiGroups: [group], apiVersions: versions, resources, scope: '*' }],
      failurePolicy: 'Fail', matchPolicy: 'Equivalent', namespaceSelector: {}, objectSelector: {}, sideEffects: 'None',
      timeoutSeconds: 10, admissionReviewVersions: ['v1'], reinvocationPolicy: 'Never', ...h, path: undefined,
    })),
  } as KubeObject;
}

const pod = (): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'team' }, spec: { containers: [{ name: 'app', image: 'busybox' }] } });
const createPod = () => attributes('', 'v1', 'pods', { operation: 'CREATE', namespace: 'team', name: 'p', object: pod() });
const sources = (configurations: KubeObject[]) => memorySources({ configurations, namespaces: { team: {} }, defaults: { '/v1/pods': coreDefaults.Pod } });
const calls = (path: string) => server.received.filter(r => r.path === path).length;

test('a JSONPatch answer changes the object in place, which is defaulted again', async () => {
  const a = createPod();
  const obj = a.object!;
  await mutatingAdmissionWebhook(sources([config('add', [{ name: 'sidecar.k8ts.test', path: '/sidecar' }])])).admit!(a);
  assert.equal(a.object, obj);
  const containers = (obj.spec as any).containers;
  assert.deepEqual(containers.map((c: any) => c.name), ['app', 'sidecar']);
  // Pod defaults reach the container the webhook added.
  assert.equal(containers[1].terminationMessagePath, '/dev/termination-log');
  assert.equal(containers[1].imagePullPolicy, 'Always');
  assert.equal(a.ctx.auditAnnotations!['mutation.webhook.admission.k8s.io/round_0_index_0'], '{"configuration":"add","webhook":"sidecar.k8ts.test","mutated":true}');
});

test('reinvocationPolicy IfNeeded: a webhook is called again when a later one changed the object', async () => {
  const before = { label: calls('/label'), observe: calls('/observe') };
  const chain = new AdmissionChain([mutatingAdmissionWebhook(sources([
    config('a-first', [{ name: 'label.k8ts.test', path: '/label', reinvocationPolicy: 'IfNeeded' }, { name: 'observe.k8ts.test', path: '/observe' }]),
    config('b-second', [{ name: 'sidecar.k8ts.test', path: '/sidecar' }]),
  ]))]);
  const a = createPod();
  await chain.admit(a);
  assert.equal(calls('/label') - before.label, 2);
  // Never-reinvoked webhooks are called once.
  assert.equal(calls('/observe') - before.observe, 1);
  assert.equal(a.object!.metadata.labels?.stamped, 'yes');
  // The second round's call of the labeller changed nothing, the sidecar webhook is not called again.
  assert.equal((a.object!.spec as any).containers.length, 2);
  assert.equal(a.ctx.auditAnnotations!['mutation.webhook.admission.k8s.io/round_1_index_0'], '{"configuration":"a-first","webhook":"label.k8ts.test","mutated":false}');
});

test('in-tree plugins run again in the second round, and their changes reinvoke IfNeeded webhooks', async () => {
  let runs = 0;
  const counter: AdmissionPlugin = { name: 'Counter', admit: a => { runs++; (a.object!.metadata.annotations ??= {}).runs = String(runs); } };
  const chain = new AdmissionChain([counter, mutatingAdmissionWebhook(sources([config('a', [{ name: 'label.k8ts.test', path: '/label', reinvocationPolicy: 'IfNeeded' }])]))]);
  const before = calls('/label');
  await chain.admit(createPod());
  assert.equal(runs, 2);
  assert.equal(calls('/label') - before, 2);
});

const failure = async (p: void | Promise<unknown>) => {
  const err = await Promise.resolve(p).then(() => undefined, e => e);
  assert.ok(err instanceof StatusError, `expected a StatusError, got ${err}`);
  return err.toStatus();
};

test('an undecodable patch is a call failure (failurePolicy decides); an inapplicable or ill-typed one is an internal error', async () => {
  const run = (path: string, failurePolicy = 'Fail') => mutatingAdmissionWebhook(sources([config('c', [{ name: 'bad.k8ts.test', path, failurePolicy }])])).admit!(createPod());
  assert.match((await failure(run('/bad-patch'))).message!, /^Internal error occurred: failed calling webhook "bad.k8ts.test": received undecodable patch in webhook response: /);
  await run('/bad-patch', 'Ignore');
  assert.equal((await failure(run('/wrong-type', 'Ignore'))).message, 'Internal error occurred: json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container');
  assert.equal((await failure(run('/remove-missing', 'Ignore'))).code, 500);
});

test('a patch for a DELETE is refused: there is no object to change', async () => {
  const a = attributes('', 'v1', 'pods', { operation: 'DELETE', namespace: 'team', name: 'p', oldObject: pod(), options: { propagationPolicy: 'Background' } });
  const status = await failure(mutatingAdmissionWebhook(sources([config('d', [{ name: 'sidecar.k8ts.test', path: '/sidecar' }])])).admit!(a));
  assert.equal(status.message, 'Internal error occurred: admission webhook "sidecar.k8ts.test" attempted to modify the object, which is not supported for this operation');
  const review = server.received.at(-1)!.review.request;
  assert.equal(review.object, null);
  assert.deepEqual(review.options, { kind: 'DeleteOptions', apiVersion: 'meta.k8s.io/v1', propagationPolicy: 'Background' });
});

test('matchPolicy Equivalent calls a webhook for another version with the object converted to it', async () => {
  const hpa: KubeObject = {
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h', namespace: 'team' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 3, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] },
  };
  const a = attributes('autoscaling', 'v2', 'horizontalpodautoscalers', { operation: 'CREATE', namespace: 'team', name: 'h', object: hpa });
  const v1Only = (matchPolicy: string) => config('hpa', [{ name: 'label.k8ts.test', path: '/label', matchPolicy }], ['horizontalpodautoscalers'], 'autoscaling', ['v1']);
  const before = calls('/label');
  await mutatingAdmissionWebhook(sources([v1Only('Exact')])).admit!(a);
  assert.equal(calls('/label'), before);
  await mutatingAdmissionWebhook(sources([v1Only('Equivalent')])).admit!(a);
  const review = server.received.at(-1)!.review.request;
  assert.deepEqual(review.kind, { group: 'autoscaling', version: 'v1', kind: 'HorizontalPodAutoscaler' });
  assert.deepEqual(review.requestKind, { group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler' });
  assert.equal(review.object.apiVersion, 'autoscaling/v1');
  assert.equal(review.object.spec.targetCPUUtilizationPercentage, 50);
  // The patch made to the v1 object lands on the v2 request object.
  assert.equal(a.object!.apiVersion, 'autoscaling/v2');
  assert.equal(a.object!.metadata.labels?.stamped, 'yes');
  assert.equal((a.object!.spec as any).metrics[0].resource.target.averageUtilization, 50);
});
