// The workload controllers together, run by the real ControllerManager and Informers against an
// in-memory API and a toy kubelet: rollouts, rollback, scaling, healing, StatefulSet ordering and
// DaemonSet placement, with the rolling-update bounds checked after every single write.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../../api/object.js';
import { ControllerManager } from '../manager.js';
import { workloadControllers } from './index.js';
import { isPodReady } from './pod-status.js';
import { FakeApi } from './testing/fake-api.js';
import { ToyKubelet } from './testing/toy-kubelet.js';
import type { Deployment, Pod, ReplicaSet } from './types.js';

const api = new FakeApi();
const kubelet = new ToyKubelet(api, ['n1', 'n2', 'n3']);
const manager = new ControllerManager(api.client, workloadControllers, 'test-controller-manager');
const NS = '/apis/apps/v1/namespaces/default';

async function until<T>(what: string, check: () => T | undefined | false, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 20));
  }
}

const pods = (prefix: string) => (api.all('api/v1/pods') as Pod[]).filter(p => p.metadata.name!.startsWith(prefix));
const replicaSets = () => api.all('apis/apps/v1/replicasets') as ReplicaSet[];
const deployment = (name: string) => api.all('apis/apps/v1/deployments').find(d => d.metadata.name === name) as Deployment;

before(async () => {
  for (const n of ['n1', 'n2', 'n3']) {
    await api.create('/api/v1/nodes', { metadata: { name: n, labels: { 'kubernetes.io/hostname': n } }, spec: n === 'n3' ? { taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }] } : {} });
  }
  kubelet.start();
  await manager.start();
});

after(() => {
  manager.stop();
  kubelet.stop();
});

const template = (image: string) => ({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image }] } });

test('a Deployment rolls out, rolls back, scales and heals within its bounds', async () => {
  await api.create(`${NS}/deployments`, {
    metadata: { name: 'web' },
    spec: { replicas: 4, selector: { matchLabels: { app: 'web' } }, template: template('nginx:1'), strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } },
  });
  const complete = () => {
    const d = deployment('web');
    return d.status?.observedGeneration === d.metadata.generation && d.status?.updatedReplicas === d.spec.replicas
      && d.status?.availableReplicas === d.spec.replicas && d.status?.replicas === d.spec.replicas
      && d.status?.conditions?.some(c => c.type === 'Progressing' && c.reason === 'NewReplicaSetAvailable');
  };
  await until('first rollout', complete);
  assert.equal(deployment('web').metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
  const first = replicaSets()[0];
  assert.match(first.metadata.name!, /^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.equal(pods('web-').length, 4);
  for (const p of pods('web-')) {
    assert.match(p.metadata.name!, new RegExp(`^${first.metadata.name}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
    assert.deepEqual(p.metadata.ownerReferences?.[0], { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: first.metadata.name, uid: first.metadata.uid, controller: true, blockOwnerDeletion: true });
  }

  // Every write from here on must keep <= 5 pods wanted and >= 3 ready pods.
  const violations: string[] = [];
  api.onWrite = () => {
    const wanted = replicaSets().filter(rs => rs.metadata.name!.startsWith('web-')).reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0);
    const live = pods('web-').filter(p => !p.metadata.deletionTimestamp);
    const ready = live.filter(isPodReady).length;
    if (wanted > 5) violations.push(`replica sets want ${wanted}`);
    if (live.length > 5) violations.push(`${live.length} pods`);
    if (ready < 3) violations.push(`${ready} ready`);
  };
  const d = structuredClone(deployment('web'));
  d.spec.template = template('nginx:2');
  await api.update(`${NS}/deployments/web`, d);
  await until('second rollout', complete);
  api.onWrite = undefined;
  assert.deepEqual(violations, []);
  assert.equal(deployment('web').metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
  assert.equal(replicaSets().find(rs => rs.metadata.name === first.metadata.name)?.spec.replicas, 0);

  // kubectl rollout undo: the old ReplicaSet's template (hash label removed) patched back in.
  const undo = structuredClone(deployment('web'));
  undo.spec.template = structuredClone(first.spec.template);
  delete undo.spec.template.metadata!.labels!['pod-template-hash'];
  await api.update(`${NS}/deployments/web`, undo);
  await until('rollback', () => complete() && replicaSets().find(rs => rs.metadata.name === first.metadata.name)?.spec.replicas === 4);
  const restored = replicaSets().find(rs => rs.metadata.name === first.metadata.name)!;
  assert.equal(restored.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
  assert.equal(restored.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
  assert.equal(replicaSets().length, 2);

  // Scale up and down.
  const scaled = structuredClone(deployment('web'));
  scaled.spec.replicas = 6;
  await api.update(`${NS}/deployments/web`, scaled);
  await until('scale up', () => complete() && pods('web-').filter(p => !p.metadata.deletionTimestamp).length === 6);
  const down = structuredClone(deployment('web'));
  down.spec.replicas = 2;
  await api.update(`${NS}/deployments/web`, down);
  await until('scale down', () => complete() && pods('web-').length === 2);

  // A deleted pod is replaced.
  const victim = pods('web-')[0];
  await api.delete(`/api/v1/namespaces/default/pods/${victim.metadata.name}`);
  await until('replacement', () => complete() && pods('web-').length === 2 && !pods('web-').some(p => p.metadata.uid === victim.metadata.uid));
});

test('a StatefulSet creates its pods in order, each after its predecessor is ready, with claims', async () => {
  await api.create(`${NS}/statefulsets`, {
    metadata: { name: 'db' },
    spec: {
      replicas: 3, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'pg' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }],
    },
  });
  await until('3 ready', () => api.all('apis/apps/v1/statefulsets')[0]?.status && (api.all('apis/apps/v1/statefulsets')[0].status as { readyReplicas?: number }).readyReplicas === 3);
  const created = api.log.filter(e => e.verb === 'ADDED' && e.collection === 'api/v1/pods' && e.obj.metadata.name!.startsWith('db-')).map(e => e.obj.metadata.name);
  assert.deepEqual(created, ['db-0', 'db-1', 'db-2']);
  for (const i of [1, 2]) {
    const createdAt = api.log.findIndex(e => e.verb === 'ADDED' && e.obj.metadata.name === `db-${i}`);
    const prevReadyAt = api.log.findIndex(e => e.obj.metadata.name === `db-${i - 1}` && isPodReady(e.obj as Pod));
    assert.ok(prevReadyAt >= 0 && prevReadyAt < createdAt, `db-${i} created before db-${i - 1} was ready`);
  }
  assert.deepEqual(api.all('api/v1/persistentvolumeclaims').map(c => c.metadata.name).sort(), ['data-db-0', 'data-db-1', 'data-db-2']);
  const pod1 = pods('db-1')[0];
  assert.equal(pod1.metadata.labels?.['statefulset.kubernetes.io/pod-name'], 'db-1');
  assert.equal(pod1.metadata.labels?.['apps.kubernetes.io/pod-index'], '1');

  // Scale down removes the highest ordinal first.
  const set = structuredClone(api.all('apis/apps/v1/statefulsets')[0]) as KubeObject & { spec: { replicas: number } };
  set.spec.replicas = 1;
  await api.update(`${NS}/statefulsets/db`, set);
  await until('scaled down', () => pods('db-').length === 1);
  const deletions = api.log.filter(e => e.verb === 'MODIFIED' && e.obj.metadata.deletionTimestamp && e.obj.metadata.name!.startsWith('db-')).map(e => e.obj.metadata.name);
  assert.deepEqual([...new Set(deletions)], ['db-2', 'db-1']);
});

test('a DaemonSet lands on every untainted node, and on tainted ones it tolerates', async () => {
  await api.create(`${NS}/daemonsets`, {
    metadata: { name: 'agent' },
    spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'agent' }] } } },
  });
  const nodesOf = () => pods('agent-').filter(p => !p.metadata.deletionTimestamp).map(p => p.spec?.nodeName).sort();
  await until('2 daemon pods', () => nodesOf().length === 2 && nodesOf().every(Boolean));
  assert.deepEqual(nodesOf(), ['n1', 'n2']);
  const ds = structuredClone(api.all('apis/apps/v1/daemonsets')[0]) as KubeObject & { spec: { template: { spec: Record<string, unknown> } } };
  ds.spec.template.spec.tolerations = [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }];
  await api.update(`${NS}/daemonsets/agent`, ds);
  await until('3 updated daemon pods', () => {
    const s = api.all('apis/apps/v1/daemonsets')[0].status as { updatedNumberScheduled?: number; numberAvailable?: number; desiredNumberScheduled?: number } | undefined;
    return s?.desiredNumberScheduled === 3 && s.updatedNumberScheduled === 3 && s.numberAvailable === 3 && nodesOf().length === 3;
  });
  assert.deepEqual(nodesOf(), ['n1', 'n2', 'n3']);
});
