import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../api/errors.js';
import { applyPatch } from './apply.js';
import { updateManagedFields } from './managed-fields.js';

const GVK = { group: 'apps', version: 'v1', kind: 'Deployment' };
const T0 = '2025-01-01T00:00:00Z';
const T1 = '2025-01-01T00:01:00Z';
const T2 = '2025-01-01T00:02:00Z';

function config(over: { replicas?: number; env?: unknown[]; image?: string; minReadySeconds?: number } = {}): any {
  const container: any = { name: 'nginx', image: over.image ?? 'nginx:1.25', ports: [{ containerPort: 80 }] };
  if (over.env) container.env = over.env;
  const spec: any = {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [container] } },
  };
  if (over.replicas !== undefined) spec.replicas = over.replicas;
  if (over.minReadySeconds !== undefined) spec.minReadySeconds = over.minReadySeconds;
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { app: 'web' } }, spec };
}

const apply = (live: any, applied: any, manager: string, now: string, force = false) =>
  applyPatch(live, applied, { manager, force, gvk: GVK, apiVersion: 'apps/v1', now }) as any;

const entry = (obj: any, manager: string) => obj.metadata.managedFields.find((e: any) => e.manager === manager);
const containers = (obj: any) => obj.spec.template.spec.containers;

test('apply: creating through apply records the applier as owner of what it declared', () => {
  const created = apply(undefined, config({ replicas: 2 }), 'kubectl', T0);
  assert.equal(created.spec.replicas, 2);
  assert.deepEqual(created.metadata.managedFields, [{
    manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', time: T0, fieldsType: 'FieldsV1',
    fieldsV1: {
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': {
            '.': {}, 'f:image': {}, 'f:name': {},
            'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
          } } },
        },
      },
    },
  }]);
});

test('apply: re-applying the same configuration changes nothing, not even the time', () => {
  const created = apply(undefined, config({ replicas: 2 }), 'kubectl', T0);
  const again = apply(created, config({ replicas: 2 }), 'kubectl', T1);
  assert.deepEqual(again, created);
});

test('apply: a field the applier stops declaring is removed', () => {
  const created = apply(undefined, config({ replicas: 2, minReadySeconds: 5, env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }), 'kubectl', T0);
  const next = apply(created, config({ replicas: 2, env: [{ name: 'B', value: '2' }] }), 'kubectl', T1);
  assert.ok(!('minReadySeconds' in next.spec));
  assert.deepEqual(containers(next)[0].env, [{ name: 'B', value: '2' }]);
  const fields = entry(next, 'kubectl').fieldsV1;
  assert.ok(!('f:minReadySeconds' in fields['f:spec']));
  assert.deepEqual(Object.keys(fields['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"nginx"}']['f:env']), ['k:{"name":"B"}']);
  assert.equal(entry(next, 'kubectl').time, T1);
});

test('apply: server-set fields nobody declared survive an apply', () => {
  const created = apply(undefined, config({ replicas: 2 }), 'kubectl', T0);
  // The server defaults fields after the apply; they belong to no one.
  created.spec.strategy = { type: 'RollingUpdate' };
  containers(created)[0].imagePullPolicy = 'IfNotPresent';
  containers(created)[0].ports[0].protocol = 'TCP';
  const next = apply(created, config({ replicas: 3 }), 'kubectl', T1);
  assert.deepEqual(next.spec.strategy, { type: 'RollingUpdate' });
  assert.equal(containers(next)[0].imagePullPolicy, 'IfNotPresent');
  assert.deepEqual(containers(next)[0].ports, [{ containerPort: 80, protocol: 'TCP' }], 'an applied item without protocol matches the defaulted one');
});

/** A Deployment created by client-side `kubectl apply` (an Update under kubectl-client-side-apply). */
function createdClientSide(replicas: number): any {
  const obj = config({ replicas });
  return updateManagedFields(undefined, obj, { manager: 'kubectl-client-side-apply', operation: 'Update', gvk: GVK, apiVersion: 'apps/v1', now: T0 });
}

test('apply: changing a field another manager owns is a 409 conflict worded as upstream', () => {
  const live = createdClientSide(1);
  assert.throws(() => apply(live, config({ replicas: 3 }), 'kubectl', T1), (err: unknown) => {
    assert.ok(err instanceof StatusError);
    assert.equal(err.code, 409);
    assert.equal(err.reason, 'Conflict');
    assert.equal(err.message, `Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1 at ${T0}: .spec.replicas`);
    assert.deepEqual(err.toStatus().details, { causes: [{
      reason: 'FieldManagerConflict', message: `conflict with "kubectl-client-side-apply" using apps/v1 at ${T0}`, field: '.spec.replicas',
    }] });
    return true;
  });
});

test('apply: several conflicts are listed per manager', () => {
  const live = createdClientSide(1);
  assert.throws(() => apply(live, config({ replicas: 3, image: 'nginx:2' }), 'kubectl', T1), (err: unknown) => {
    assert.ok(err instanceof StatusError);
    assert.equal(err.message, `Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using apps/v1 at ${T0}:\n`
      + '- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image');
    assert.equal(err.toStatus().details?.causes?.length, 2);
    return true;
  });
});

test('apply: force takes ownership of conflicting fields', () => {
  const live = createdClientSide(1);
  const forced = apply(live, config({ replicas: 3 }), 'kubectl', T1, true);
  assert.equal(forced.spec.replicas, 3);
  assert.ok(!('f:replicas' in entry(forced, 'kubectl-client-side-apply').fieldsV1['f:spec']));
  assert.ok('f:replicas' in entry(forced, 'kubectl').fieldsV1['f:spec']);
  assert.deepEqual(forced.metadata.managedFields.map((e: any) => e.operation), ['Apply', 'Update'], 'Apply entries sort first');
});

test('apply: declaring the same value as another manager shares ownership, and the field survives one of them letting go', () => {
  const a = apply(undefined, config({ replicas: 3 }), 'a', T0);
  const ab = apply(a, config({ replicas: 3 }), 'b', T1);
  assert.ok('f:replicas' in entry(ab, 'a').fieldsV1['f:spec']);
  assert.ok('f:replicas' in entry(ab, 'b').fieldsV1['f:spec']);
  const aLetsGo = apply(ab, config({}), 'a', T2);
  assert.equal(aLetsGo.spec.replicas, 3, 'b still owns it');
  assert.ok(!('f:replicas' in entry(aLetsGo, 'a').fieldsV1['f:spec']));
  const bLetsGo = apply(aLetsGo, config({}), 'b', T2);
  assert.ok(!('replicas' in bLetsGo.spec), 'no owner left: removed');
});

test('apply: managers own separate items of a keyed list', () => {
  const a = apply(undefined, config({}), 'a', T0);
  const sidecar = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { template: { spec: { containers: [{ name: 'log', image: 'busybox' }] } } } };
  const ab = apply(a, sidecar, 'b', T1);
  assert.deepEqual(containers(ab).map((c: any) => c.name), ['nginx', 'log']);
  const dropped = apply(ab, { ...sidecar, spec: { template: { spec: { containers: [] } } } }, 'b', T2);
  assert.deepEqual(containers(dropped).map((c: any) => c.name), ['nginx']);
});

test('apply: an item stays while another manager owns fields in it', () => {
  const a = apply(undefined, config({ env: [{ name: 'A', value: '1' }] }), 'a', T0);
  const patchEnv = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { template: { spec: { containers: [{ name: 'nginx', env: [{ name: 'B', value: '2' }] }] } } } };
  const ab = apply(a, patchEnv, 'b', T1);
  assert.deepEqual(containers(ab)[0].env.map((e: any) => e.name), ['A', 'B']);
  const aWithout = apply(ab, { ...config(), spec: { ...config().spec, template: { spec: { containers: [] } } } }, 'a', T2);
  assert.deepEqual(containers(aWithout), [{ name: 'nginx', env: [{ name: 'B', value: '2' }] }]);
});

test('apply: set lists (finalizers) are unioned per applier', () => {
  const base = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', finalizers: ['x'] } };
  const a = apply(undefined, base, 'a', T0);
  const ab = apply(a, { ...base, metadata: { name: 'web', finalizers: ['y'] } }, 'b', T1);
  assert.deepEqual(ab.metadata.finalizers, ['x', 'y']);
  assert.deepEqual(entry(ab, 'b').fieldsV1, { 'f:metadata': { 'f:finalizers': { 'v:"y"': {} } } });
});

test('apply: status is not applied through the main resource', () => {
  const live = apply(undefined, config({}), 'a', T0);
  live.status = { replicas: 1 };
  const next = apply(live, { ...config({}), status: { replicas: 9 } }, 'a', T1);
  assert.deepEqual(next.status, { replicas: 1 });
  assert.ok(!('f:status' in entry(next, 'a').fieldsV1));
});

test('apply: wrong apiVersion and managedFields in the body are 400s', () => {
  assert.throws(() => apply(undefined, { ...config(), apiVersion: 'apps/v1beta1' }, 'a', T0),
    (err: unknown) => err instanceof StatusError && err.code === 400 && err.message === 'Incorrect version specified in apply patch. Specified patch version: apps/v1beta1, expected: apps/v1');
  assert.throws(() => apply(undefined, { ...config(), metadata: { name: 'web', managedFields: [] } }, 'a', T0),
    (err: unknown) => err instanceof StatusError && err.code === 400 && err.message === 'metadata.managedFields must be nil');
});

test('apply: inputs are not modified', () => {
  const live = createdClientSide(1);
  const before = structuredClone(live);
  const applied = config({ replicas: 1 });
  apply(live, applied, 'kubectl', T1);
  assert.deepEqual(live, before);
  assert.deepEqual(applied, config({ replicas: 1 }));
});
