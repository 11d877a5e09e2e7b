import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResourceCatalog } from '../../api/catalog.js';
import { coreDefaults } from '../../api/defaults/core.js';
import type { StatusError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { formatQuantity } from '../../api/quantity.js';
import { systemContext } from '../context.js';
import { limitRangerFrom, podTotal } from './limit-ranger.js';
import type { AdmissionOperation } from './types.js';

function limitRange(name: string, limits: object[]): KubeObject {
  const lr = { apiVersion: 'v1', kind: 'LimitRange', metadata: { name, namespace: 'team' }, spec: { limits } } as KubeObject;
  coreDefaults.LimitRange!(lr as never, 'v1');
  return lr;
}
const container = (name: string, resources?: object) => ({ name, image: 'i', ...(resources ? { resources } : {}) });
const pod = (spec: object, name = 'x'): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'team' }, spec });

function run(ranges: KubeObject[], object: KubeObject, resource = 'pods', operation: AdmissionOperation = 'CREATE', oldObject?: KubeObject): StatusError | undefined {
  const plugin = limitRangerFrom(() => ranges);
  const attrs = { resource: ResourceCatalog.shared().find('', 'v1', resource)!, operation, namespace: 'team', name: object.metadata.name!, subresource: '', object, oldObject, ctx: systemContext() };
  try {
    plugin.admit!(attrs);
    plugin.validate!(attrs);
  } catch (err) {
    return err as StatusError;
  }
  return undefined;
}

test('defaults fill what containers and init containers leave out, and the annotation says what', () => {
  const p = pod({ containers: [container('a'), container('b', { limits: { cpu: '2' }, requests: { cpu: '1' } })], initContainers: [container('i', { requests: { memory: '1Mi' } })] });
  assert.equal(run([limitRange('lr', [{ type: 'Container', default: { cpu: '500m', memory: '128Mi' }, defaultRequest: { cpu: '100m', memory: '64Mi' } }])], p), undefined);
  const spec = p.spec as { containers: Array<{ resources: object }>; initContainers: Array<{ resources: object }> };
  assert.deepEqual(spec.containers[0].resources, { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m', memory: '64Mi' } });
  assert.deepEqual(spec.containers[1].resources, { limits: { cpu: '2', memory: '128Mi' }, requests: { cpu: '1', memory: '64Mi' } });
  assert.deepEqual(spec.initContainers[0].resources, { requests: { memory: '1Mi', cpu: '100m' }, limits: { cpu: '500m', memory: '128Mi' } });
  assert.equal(p.metadata.annotations?.['kubernetes.io/limit-ranger'],
    'LimitRanger plugin set: cpu, memory request for container a; cpu, memory limit for container a; memory request for container b; memory limit for container b; cpu request for init container i; cpu, memory limit for init container i');
});

test('a max alone defaults the limit and the request to it (the LimitRange\'s own defaults)', () => {
  const p = pod({ containers: [container('a')] });
  assert.equal(run([limitRange('lr', [{ type: 'Container', max: { cpu: '1' } }])], p), undefined);
  assert.deepEqual((p.spec as { containers: Array<{ resources: object }> }).containers[0].resources, { limits: { cpu: '1' }, requests: { cpu: '1' } });
});

const reject: Array<{ name: string; limits: object[]; spec: object; message: string }> = [
  { name: 'container limit above max', limits: [{ type: 'Container', max: { cpu: '1' } }], spec: { containers: [container('c', { limits: { cpu: '2' } })] },
    message: 'pods "x" is forbidden: maximum cpu usage per Container is 1, but limit is 2' },
  { name: 'container request below min', limits: [{ type: 'Container', min: { memory: '64Mi' } }], spec: { containers: [container('c', { requests: { memory: '32Mi' } })] },
    message: 'pods "x" is forbidden: minimum memory usage per Container is 64Mi, but request is 32Mi' },
  { name: 'container limit below min', limits: [{ type: 'Container', min: { cpu: '500m' } }], spec: { containers: [container('c', { requests: { cpu: '500m' }, limits: { cpu: '250m' } })] },
    message: 'pods "x" is forbidden: minimum cpu usage per Container is 500m, but limit is 250m' },
  { name: 'limit to request ratio', limits: [{ type: 'Container', maxLimitRequestRatio: { cpu: '2' } }], spec: { containers: [container('c', { requests: { cpu: '100m' }, limits: { cpu: '500m' } })] },
    message: 'pods "x" is forbidden: cpu max limit to request ratio per Container is 2, but provided ratio is 5.000000' },
  { name: 'ratio without a limit', limits: [{ type: 'Container', maxLimitRequestRatio: { memory: '2' } }], spec: { containers: [container('c', { requests: { memory: '1Mi' } })] },
    message: 'pods "x" is forbidden: memory max limit to request ratio per Container is 2, but no limit is specified or limit is 0' },
  { name: 'pod total above max, with init containers', limits: [{ type: 'Pod', max: { cpu: '2' } }],
    spec: { containers: [container('a', { limits: { cpu: '1' }, requests: { cpu: '1' } }), container('b', { limits: { cpu: '1500m' }, requests: { cpu: '1' } })] },
    message: 'pods "x" is forbidden: maximum cpu usage per Pod is 2, but limit is 2500m' },
  { name: 'several violations are listed together', limits: [{ type: 'Container', max: { cpu: '1', memory: '1Gi' } }], spec: { containers: [container('c', { limits: { cpu: '2', memory: '2Gi' } })] },
    message: 'pods "x" is forbidden: [maximum cpu usage per Container is 1, but limit is 2, maximum memory usage per Container is 1Gi, but limit is 2Gi]' },
  { name: 'an init container is held to the container limits', limits: [{ type: 'Container', max: { cpu: '1' } }], spec: { containers: [container('c')], initContainers: [container('i', { limits: { cpu: '3' } })] },
    message: 'pods "x" is forbidden: maximum cpu usage per Container is 1, but limit is 3' },
];
for (const c of reject) {
  test(`rejected: ${c.name}`, () => {
    const err = run([limitRange('lr', c.limits)], pod(c.spec));
    assert.equal(err?.code, 403);
    assert.equal(err?.message, c.message);
  });
}

test('pods inside the range pass; pod updates and other resources are not looked at', () => {
  const ranges = [limitRange('lr', [{ type: 'Container', max: { cpu: '1' }, min: { cpu: '100m' } }])];
  assert.equal(run(ranges, pod({ containers: [container('c', { limits: { cpu: '1' }, requests: { cpu: '100m' } })] })), undefined);
  const big = pod({ containers: [container('c', { limits: { cpu: '2' } })] });
  assert.equal(run(ranges, big, 'pods', 'UPDATE', big), undefined);
});

test('claims: storage request held to min and max on create and update', () => {
  const ranges = [limitRange('lr', [{ type: 'PersistentVolumeClaim', min: { storage: '1Gi' }, max: { storage: '10Gi' } }])];
  const claim = (storage?: string): KubeObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'team' }, spec: { resources: storage ? { requests: { storage } } : {} } });
  assert.equal(run(ranges, claim('5Gi'), 'persistentvolumeclaims'), undefined);
  assert.equal(run(ranges, claim('20Gi'), 'persistentvolumeclaims')?.message, 'persistentvolumeclaims "data" is forbidden: maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi');
  assert.equal(run(ranges, claim('500Mi'), 'persistentvolumeclaims', 'UPDATE', claim('5Gi'))?.message, 'persistentvolumeclaims "data" is forbidden: minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi');
  assert.equal(run(ranges, claim(), 'persistentvolumeclaims')?.message,
    'persistentvolumeclaims "data" is forbidden: [minimum storage usage per PersistentVolumeClaim is 1Gi.  No request is specified, maximum storage usage per PersistentVolumeClaim is 10Gi.  No request is specified]');
});

test('a pod\'s total counts sidecars and the largest init container', () => {
  const total = podTotal({
    containers: [container('a', { requests: { cpu: '1' } })],
    initContainers: [{ ...container('side', { requests: { cpu: '500m' } }), restartPolicy: 'Always' }, container('init', { requests: { cpu: '2' } })],
  } as never, 'requests');
  // containers 1 + sidecar 0.5 = 1.5; the init container needs 2 + the sidecar's 0.5 = 2.5
  assert.equal(formatQuantity(total.get('cpu')!), '2500m');
});
