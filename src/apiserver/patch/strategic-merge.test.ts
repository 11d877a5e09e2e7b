import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../api/errors.js';
import { PatchApplyError } from './errors.js';
import type { JsonObject } from './json.js';
import { applyStrategicMergePatch, decodeStrategicMergePatch } from './strategic-merge.js';

const DEPLOYMENT = { group: 'apps', version: 'v1', kind: 'Deployment' };
const POD = { group: '', version: 'v1', kind: 'Pod' };
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** A Deployment as the server stores it: defaulted, with a server-added annotation and status. */
function liveDeployment(): any {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: {
      name: 'web', namespace: 'default', labels: { app: 'web' }, finalizers: ['a', 'b'],
      annotations: { [LAST_APPLIED]: '{"old":true}\n', 'deployment.kubernetes.io/revision': '1' },
    },
    spec: {
      replicas: 2, minReadySeconds: 5,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'nginx', image: 'nginx:1.25', imagePullPolicy: 'IfNotPresent',
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              env: [{ name: 'FOO', value: '1' }, { name: 'BAR', value: '2' }],
            },
            { name: 'sidecar', image: 'busybox', args: ['sleep', '3600'] },
          ],
          volumes: [{ name: 'data', emptyDir: {} }],
          restartPolicy: 'Always',
        },
      },
    },
    status: { replicas: 2 },
  };
}

const smp = (live: JsonObject, patch: unknown, gvk = DEPLOYMENT) => applyStrategicMergePatch(live, patch as JsonObject, gvk) as any;
const containers = (d: any) => d.spec.template.spec.containers;

test('smp: kubectl apply removing a container env var (setElementOrder + $patch: delete)', () => {
  const live = liveDeployment();
  // What kubectl 1.32 sends after FOO is deleted from the manifest.
  const patch = {
    metadata: { annotations: { [LAST_APPLIED]: '{"new":true}\n' } },
    spec: { template: { spec: {
      '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'sidecar' }],
      containers: [{ '$setElementOrder/env': [{ name: 'BAR' }], env: [{ $patch: 'delete', name: 'FOO' }], name: 'nginx' }],
    } } },
  };
  const out = smp(live, patch);
  assert.deepEqual(containers(out)[0].env, [{ name: 'BAR', value: '2' }]);
  assert.deepEqual(containers(out).map((c: any) => c.name), ['nginx', 'sidecar']);
  assert.equal(containers(out)[0].image, 'nginx:1.25');
  assert.equal(containers(out)[0].imagePullPolicy, 'IfNotPresent', 'server-defaulted fields survive');
  assert.equal(out.metadata.annotations[LAST_APPLIED], '{"new":true}\n');
  assert.equal(out.metadata.annotations['deployment.kubernetes.io/revision'], '1');
  assert.deepEqual(out.status, { replicas: 2 });
  assert.deepEqual(live, liveDeployment(), 'input untouched');
});

test('smp: kubectl apply changing replicas and removing a field (null)', () => {
  const out = smp(liveDeployment(), { spec: { replicas: 3, minReadySeconds: null } });
  assert.equal(out.spec.replicas, 3);
  assert.ok(!('minReadySeconds' in out.spec));
  assert.deepEqual(out.spec.template, liveDeployment().spec.template);
});

test('smp: null for an absent key is ignored, never stored', () => {
  const out = smp(liveDeployment(), { spec: { paused: null, template: { metadata: { annotations: { a: null, b: 'x' } } } } });
  assert.ok(!('paused' in out.spec));
  assert.deepEqual(out.spec.template.metadata.annotations, { b: 'x' });
});

test('smp: kubectl apply adding an env var in the middle keeps $setElementOrder order', () => {
  const patch = { spec: { template: { spec: {
    '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'sidecar' }],
    containers: [{ '$setElementOrder/env': [{ name: 'FOO' }, { name: 'NEW' }, { name: 'BAR' }], env: [{ name: 'NEW', value: 'x' }], name: 'nginx' }],
  } } } };
  assert.deepEqual(containers(smp(liveDeployment(), patch))[0].env.map((e: any) => e.name), ['FOO', 'NEW', 'BAR']);
});

test('smp: kubectl apply adding a container at the end and removing another', () => {
  const patch = { spec: { template: { spec: {
    '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'metrics' }],
    containers: [{ name: 'metrics', image: 'prom' }, { $patch: 'delete', name: 'sidecar' }],
  } } } };
  const out = smp(liveDeployment(), patch);
  assert.deepEqual(containers(out).map((c: any) => c.name), ['nginx', 'metrics']);
  assert.deepEqual(containers(out)[1], { name: 'metrics', image: 'prom' });
});

test('smp: merge lists merge items by key, ordering as upstream does', () => {
  const out = smp(liveDeployment(), { spec: { template: { spec: { containers: [
    { name: 'sidecar', image: 'busybox:2' },
    { name: 'init', image: 'alpine' },
  ] } } } });
  assert.deepEqual(containers(out).map((c: any) => c.name), ['nginx', 'sidecar', 'init']);
  assert.equal(containers(out)[1].image, 'busybox:2');
  assert.deepEqual(containers(out)[1].args, ['sleep', '3600']);
  // A patch naming only new items puts them first: the live order cannot place them.
  const added = smp(liveDeployment(), { spec: { template: { spec: { containers: [{ name: 'init', image: 'alpine' }] } } } });
  assert.deepEqual(containers(added).map((c: any) => c.name), ['init', 'nginx', 'sidecar']);
});

test('smp: ports merge by containerPort', () => {
  const out = smp(liveDeployment(), { spec: { template: { spec: { containers: [
    { name: 'nginx', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }] },
  ] } } } });
  const ports = containers(out)[0].ports;
  assert.equal(ports.length, 2);
  assert.deepEqual(ports.find((p: any) => p.containerPort === 80), { containerPort: 80, protocol: 'TCP', name: 'http' });
});

test('smp: lists without a merge strategy (args) are replaced', () => {
  const out = smp(liveDeployment(), { spec: { template: { spec: { containers: [{ name: 'sidecar', args: ['sleep', '1'] }] } } } });
  assert.deepEqual(containers(out)[1].args, ['sleep', '1']);
});

test('smp: $retainKeys on a retainKeys field (strategy switch to Recreate)', () => {
  const out = smp(liveDeployment(), { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } });
  assert.deepEqual(out.spec.strategy, { type: 'Recreate' });
});

test('smp: $retainKeys inside merge-list items (volumes are merge,retainKeys)', () => {
  const out = smp(liveDeployment(), { spec: { template: { spec: { volumes: [
    { $retainKeys: ['configMap', 'name'], configMap: { name: 'cm' }, name: 'data' },
  ] } } } });
  assert.deepEqual(out.spec.template.spec.volumes, [{ name: 'data', configMap: { name: 'cm' } }]);
});

test('smp: $retainKeys must name every key the patch sets (400)', () => {
  assert.throws(() => smp(liveDeployment(), { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: {} } } }),
    (err: unknown) => err instanceof StatusError && err.code === 400 && err.message === 'invalid patch format of retainKeys');
  assert.throws(() => smp(liveDeployment(), { spec: { strategy: { $retainKeys: 'type' } } }), (err: unknown) => err instanceof StatusError && err.code === 400);
});

test('smp: primitive merge list (finalizers): union and $deleteFromPrimitiveList', () => {
  assert.deepEqual(smp(liveDeployment(), { metadata: { finalizers: ['b', 'c'] } }).metadata.finalizers, ['a', 'b', 'c']);
  assert.deepEqual(smp(liveDeployment(), { metadata: { finalizers: ['c'] } }).metadata.finalizers, ['c', 'a', 'b']);
  assert.deepEqual(smp(liveDeployment(), { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }).metadata.finalizers, ['b']);
  // kubectl's shape: order directive, additions and deletions together.
  const out = smp(liveDeployment(), { metadata: {
    '$setElementOrder/finalizers': ['b', 'c'], '$deleteFromPrimitiveList/finalizers': ['a'], finalizers: ['c'],
  } });
  assert.deepEqual(out.metadata.finalizers, ['b', 'c']);
  // Deleting from a list the object does not have is a no-op.
  const noFinalizers = liveDeployment();
  delete noFinalizers.metadata.finalizers;
  assert.ok(!('finalizers' in smp(noFinalizers, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }).metadata));
});

test('smp: $patch: replace in a list replaces the whole list', () => {
  const out = smp(liveDeployment(), { spec: { template: { spec: { containers: [{ name: 'only', image: 'x' }, { $patch: 'replace' }] } } } });
  assert.deepEqual(containers(out), [{ name: 'only', image: 'x' }]);
});

test('smp: $patch: replace and $patch: delete on maps', () => {
  const replaced = smp(liveDeployment(), { spec: { template: { metadata: { labels: { $patch: 'replace', tier: 'front' } } } } });
  assert.deepEqual(replaced.spec.template.metadata.labels, { tier: 'front' });
  const deleted = smp(liveDeployment(), { spec: { strategy: { $patch: 'delete' } } });
  assert.deepEqual(deleted.spec.strategy, {});
});

test('smp: $patch: merge and unknown directives are rejected', () => {
  assert.throws(() => smp(liveDeployment(), { spec: { template: { spec: { containers: [{ $patch: 'merge' }] } } } }), (err: unknown) => err instanceof StatusError && err.code === 400);
  assert.throws(() => smp(liveDeployment(), { spec: { strategy: { $patch: 'explode' } } }), (err: unknown) => err instanceof StatusError && err.code === 400);
  assert.throws(() => smp(liveDeployment(), { spec: { template: { spec: { containers: [{ $patch: 'delete' }] } } } }), /does not contain declared merge key: name/);
});

test('smp: a patch list out of $setElementOrder order is rejected', () => {
  const patch = { spec: { template: { spec: {
    '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'sidecar' }],
    containers: [{ name: 'sidecar', image: 'a' }, { name: 'nginx', image: 'b' }],
  } } } };
  assert.throws(() => smp(liveDeployment(), patch), (err: unknown) => err instanceof StatusError && err.code === 400);
});

test('smp: $setElementOrder alone reorders the live list', () => {
  const out = smp(liveDeployment(), { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'nginx' }] } } } });
  assert.deepEqual(containers(out).map((c: any) => c.name), ['sidecar', 'nginx']);
});

test('smp: lists of lists are a 422', () => {
  assert.throws(() => smp({ metadata: { finalizers: [['x']] } } as any, { metadata: { finalizers: [['y']] } }), PatchApplyError);
});

test('smp: new values are taken from the patch without directives or nulls', () => {
  const live = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'x' }] } };
  const out = smp(live, { spec: { nodeSelector: { disk: 'ssd', gone: null }, tolerations: [{ key: 'k', operator: 'Exists' }] } }, POD);
  assert.deepEqual(out.spec.nodeSelector, { disk: 'ssd' });
  assert.deepEqual(out.spec.tolerations, [{ key: 'k', operator: 'Exists' }]);
});

test('smp: pod ownerReferences merge by uid; a type change replaces the value', () => {
  const live = { metadata: { name: 'p', ownerReferences: [{ uid: '1', name: 'a', kind: 'ReplicaSet', apiVersion: 'apps/v1' }] }, spec: { containers: [] } };
  const out = smp(live, { metadata: { ownerReferences: [{ uid: '2', name: 'b', kind: 'ReplicaSet', apiVersion: 'apps/v1' }] }, spec: { containers: { bad: true } } }, POD);
  assert.deepEqual(out.metadata.ownerReferences.map((o: any) => o.uid), ['2', '1']);
  assert.deepEqual(out.spec.containers, { bad: true });
});

test('smp: unknown kinds fall back to plain merging (maps merge, lists replace)', () => {
  const out = applyStrategicMergePatch({ a: { b: 1, c: [1, 2] } }, { a: { c: [3], d: 4 } }, { group: 'example.com', version: 'v1', kind: 'Widget' });
  assert.deepEqual(out, { a: { b: 1, c: [3], d: 4 } });
});

test('smp: decode requires a JSON object', () => {
  assert.throws(() => decodeStrategicMergePatch('[1]'), (err: unknown) => err instanceof StatusError && err.code === 400);
  assert.throws(() => decodeStrategicMergePatch('{'), (err: unknown) => err instanceof StatusError && err.code === 400);
});
