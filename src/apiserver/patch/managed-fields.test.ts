import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultFieldManager, updateManagedFields } from './managed-fields.js';

const GVK = { group: 'apps', version: 'v1', kind: 'Deployment' };
const T0 = '2025-01-01T00:00:00Z';
const T1 = '2025-01-01T00:01:00Z';

function deployment(replicas = 1): any {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '5', generation: 1, creationTimestamp: T0, labels: { app: 'web' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80, protocol: 'TCP' }] }] },
      },
    },
    status: { replicas: 0 },
  };
}

const update = (old: any, next: any, manager: string, now = T0, subresource?: string) =>
  updateManagedFields(old, next, { manager, operation: 'Update', gvk: GVK, apiVersion: 'apps/v1', subresource, now }) as any;

test('managed fields: a create gives every set field to the creator, minus server-owned metadata and status', () => {
  const created = update(undefined, deployment(), 'kubectl-create');
  assert.deepEqual(created.metadata.managedFields, [{
    manager: 'kubectl-create', operation: 'Update', apiVersion: 'apps/v1', time: T0, fieldsType: 'FieldsV1',
    fieldsV1: {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
          'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': {
            '.': {}, 'f:image': {}, 'f:name': {},
            'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } },
          } } },
        },
      },
    },
  }]);
});

test('managed fields: an update by another manager takes the changed fields', () => {
  const created = update(undefined, deployment(1), 'kubectl-client-side-apply');
  const scaled = update(created, { ...deployment(3), metadata: { ...deployment().metadata, managedFields: created.metadata.managedFields } }, 'kubectl-scale', T1);
  const [first, second] = scaled.metadata.managedFields;
  assert.equal(first.manager, 'kubectl-client-side-apply');
  assert.ok(!('f:replicas' in first.fieldsV1['f:spec']), 'replicas left the first manager');
  assert.deepEqual(second, { manager: 'kubectl-scale', operation: 'Update', apiVersion: 'apps/v1', time: T1, fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } });
});

test('managed fields: an update that changes nothing adds no entry and keeps times', () => {
  const created = update(undefined, deployment(), 'a');
  const again = update(created, created, 'b', T1);
  assert.deepEqual(again.metadata.managedFields, created.metadata.managedFields);
});

test('managed fields: the same manager keeps one entry with the union of its fields and a new time', () => {
  const created = update(undefined, deployment(1), 'a');
  const next = structuredClone(created);
  next.spec.replicas = 2;
  next.metadata.annotations = { note: 'x' };
  const updated = update(created, next, 'a', T1);
  assert.equal(updated.metadata.managedFields.length, 1);
  assert.equal(updated.metadata.managedFields[0].time, T1);
  assert.ok('f:annotations' in updated.metadata.managedFields[0].fieldsV1['f:metadata']);
  assert.ok('f:selector' in updated.metadata.managedFields[0].fieldsV1['f:spec']);
});

test('managed fields: removing a field records nothing (upstream keeps the old owner listed)', () => {
  const created = update(undefined, deployment(), 'a');
  const next = structuredClone(created);
  delete next.metadata.labels;
  const updated = update(created, next, 'kubectl-label', T1);
  assert.deepEqual(updated.metadata.managedFields, created.metadata.managedFields);
});

test('managed fields: status subresource writes own only status, in their own entry', () => {
  const created = update(undefined, deployment(), 'kubectl-create');
  const next = structuredClone(created);
  next.status = { replicas: 1, readyReplicas: 1 };
  const updated = update(created, next, 'kube-controller-manager', T1, 'status');
  const entry = updated.metadata.managedFields.find((e: any) => e.subresource === 'status');
  assert.deepEqual(entry, {
    manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'apps/v1', time: T1, fieldsType: 'FieldsV1',
    fieldsV1: { 'f:status': { 'f:readyReplicas': {}, 'f:replicas': {} } }, subresource: 'status',
  });
  // A main-resource write that changes status claims nothing for it.
  const main = structuredClone(created);
  main.status = { replicas: 7 };
  assert.deepEqual(update(created, main, 'x', T1).metadata.managedFields, created.metadata.managedFields);
});

test('managed fields: [{}] clears them; managed fields in the request replace the stored ones', () => {
  const created = update(undefined, deployment(), 'a');
  const reset = structuredClone(created);
  reset.metadata.managedFields = [{}];
  assert.ok(!('managedFields' in update(created, reset, 'b').metadata));
  const edited = structuredClone(created);
  edited.metadata.managedFields = [{ manager: 'someone', operation: 'Update', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }];
  assert.deepEqual(update(created, edited, 'b').metadata.managedFields.map((e: any) => e.manager), ['someone']);
});

test('managed fields: inputs are not modified', () => {
  const old = update(undefined, deployment(1), 'a');
  const next = deployment(2);
  const before = structuredClone(next);
  update(old, next, 'b');
  assert.deepEqual(next, before);
});

test('defaultFieldManager: the user agent up to its first slash', () => {
  assert.equal(defaultFieldManager('kubectl/v1.32.0 (linux/amd64) kubernetes/70d3cc9'), 'kubectl');
  assert.equal(defaultFieldManager('kube-controller-manager/v1.32.0 (linux/amd64) kubernetes/abc/system:serviceaccount:kube-system:deployment-controller'), 'kube-controller-manager');
  assert.equal(defaultFieldManager('Go-http-client/1.1'), 'Go-http-client');
  assert.equal(defaultFieldManager('my\tagent\u0000x'), 'myagentx');
  assert.equal(defaultFieldManager('with space/1'), 'with space');
  assert.equal(defaultFieldManager('a'.repeat(200)).length, 128);
  assert.equal(defaultFieldManager(''), '');
  // Answers are kept per user agent; many distinct ones (more than are kept) are each still right.
  for (let i = 0; i < 600; i++) assert.equal(defaultFieldManager(`agent-${i}/1.0`), `agent-${i}`);
  assert.equal(defaultFieldManager('kubectl/v1.32.0 (linux/amd64) kubernetes/70d3cc9'), 'kubectl');
});

test('managed fields: a create records what the general comparison would, for every kind of position', async () => {
  const { OpenApiSpec } = await import('../../api/schema.js');
  const { compare, createdFieldsV1 } = await import('./field-ops.js');
  const { hasTrackedBelow, isTracked, trackedOnly, typeOf } = await import('./managed-fields.js');
  const spec = OpenApiSpec.shared();
  const pod = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', labels: { a: '1' }, annotations: {}, finalizers: ['x', 'y'], ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'o', uid: 'u' }], generation: undefined },
    spec: {
      containers: [
        { name: 'c', image: 'i', command: ['sh', '-c'], ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP' }], env: [{ name: 'A', value: '1' }, { name: 'A', value: '2' }], resources: {} },
        { name: 'd', image: 'i', securityContext: null },
      ],
      nodeSelector: { zone: 'a' }, tolerations: [{ key: 'k', operator: 'Exists' }], volumes: [], securityContext: {},
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'k', operator: 'In', values: ['v'] }] }] } } },
    },
    status: { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False' }] },
  };
  const custom = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { list: [1, 2], nested: { a: { b: 1 } }, empty: {} }, status: { ok: true } };
  const cases: [object, { group: string; version: string; kind: string }][] = [
    [pod, { group: '', version: 'v1', kind: 'Pod' }],
    [deployment(), GVK],
    [custom, { group: 'example.com', version: 'v1', kind: 'Widget' }],
  ];
  for (const [value, gvk] of cases) {
    for (const subresource of [undefined, 'status']) {
      const type = typeOf(gvk, spec);
      const general = trackedOnly(compare(undefined, value as any, type).changed, subresource);
      const fast = createdFieldsV1(value as any, type, p => isTracked(p, subresource), p => hasTrackedBelow(p, subresource));
      assert.deepEqual(fast, general.size ? general.toFieldsV1() : undefined, `${gvk.kind} ${subresource ?? ''}`);
      assert.equal(JSON.stringify(fast), general.size ? JSON.stringify(general.toFieldsV1()) : undefined);
    }
  }
});
