// Workload controllers end to end: a real `k8ts server` (controllers + scheduler), simulated nodes
// playing the kubelet, and the real kubectl. Rolling updates are watched pod by pod and ReplicaSet
// by ReplicaSet to show maxSurge / maxUnavailable hold at every step.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { Informer } from '../../src/client/informer.js';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import { RestClient } from '../../src/client/rest-client.js';
import type { KubeObject } from '../../src/api/object.js';
import { K8TS_BIN, TestCluster, eventually } from './harness.js';

interface PodLike extends KubeObject { spec?: { nodeName?: string }; status?: { conditions?: { type: string; status: string }[] } }
interface RsLike extends KubeObject { spec: { replicas?: number } }

const ready = (p: PodLike) => p.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True') ?? false;

function deploymentYaml(image: string, replicas = 4): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 1}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: ${image}}]}
`;
}

describe('workload controllers with kubectl and simulated nodes', () => {
  let c: TestCluster;
  let nodes: ChildProcess;
  let client: RestClient;

  before(async () => {
    c = await TestCluster.start();
    nodes = spawn(process.execPath, [K8TS_BIN, 'sim-nodes', '--kubeconfig', c.kubeconfig, '--count', '3'], { stdio: 'ignore' });
    client = new RestClient(loadKubeconfig(c.kubeconfig));
    await eventually(async () => (await c.k(['get', 'nodes', '-o', 'name'])).trim().split('\n').filter(Boolean).length === 3, 30_000, '3 nodes');
  });
  after(async () => {
    client?.close();
    if (nodes?.pid && nodes.exitCode === null) {
      const exited = new Promise(r => nodes.once('exit', r));
      process.kill(nodes.pid, 'SIGTERM');
      await exited;
    }
    await c?.stop();
  });

  const rolledOut = (what: string) => c.k(['rollout', 'status', what, '--timeout=90s']);

  test('a rolling update never exceeds maxSurge or maxUnavailable; history, undo, scale, heal', async () => {
    await c.k(['apply', '-f', '-'], deploymentYaml('busybox:1'));
    assert.match(await rolledOut('deployment/web'), /deployment "web" successfully rolled out/);

    // Watch pods and ReplicaSets for the whole rollout: 4 replicas, maxSurge 1, maxUnavailable 1.
    const violations: string[] = [];
    const pods = new Informer<PodLike>(client, '/api/v1/namespaces/default/pods', { labelSelector: 'app=web' });
    const sets = new Informer<RsLike>(client, '/apis/apps/v1/namespaces/default/replicasets', { labelSelector: 'app=web' });
    const check = () => {
      // The initial listing adds pods one by one; only whole states count.
      if (!pods.hasSynced || !sets.hasSynced) return;
      const wanted = sets.list().reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0);
      const live = pods.list().filter(p => !p.metadata.deletionTimestamp);
      if (wanted > 5) violations.push(`replica sets want ${wanted} pods`);
      if (live.length > 5) violations.push(`${live.length} pods exist`);
      if (live.filter(ready).length < 3) violations.push(`only ${live.filter(ready).length} ready`);
    };
    for (const inf of [pods, sets]) inf.on({ add: check, update: check, delete: check });
    pods.start();
    sets.start();
    await Promise.all([pods.waitForSync(), sets.waitForSync()]);
    try {
      await c.k(['set', 'image', 'deployment/web', 'c=busybox:2']);
      assert.match(await rolledOut('deployment/web'), /successfully rolled out/);
    } finally {
      pods.stop();
      sets.stop();
    }
    assert.deepEqual(violations, []);

    const history = await c.k(['rollout', 'history', 'deployment/web']);
    assert.match(history, /^1\s/m);
    assert.match(history, /^2\s/m);

    await c.k(['rollout', 'undo', 'deployment/web']);
    await rolledOut('deployment/web');
    assert.equal(await c.k(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), 'busybox:1');
    assert.equal(await c.k(['get', 'deployment', 'web', '-o', 'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}']), '3');

    await c.k(['scale', 'deployment/web', '--replicas=6']);
    await eventually(async () => (await c.k(['get', 'deployment', 'web', '-o', 'jsonpath={.status.availableReplicas}'])) === '6', 60_000, '6 available');
    await c.k(['scale', 'deployment/web', '--replicas=2']);
    await eventually(async () => (await c.k(['get', 'pods', '-l', 'app=web', '-o', 'name'])).trim().split('\n').filter(Boolean).length === 2, 60_000, '2 pods');

    const victim = (await c.k(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[0].metadata.name}'])).trim();
    await c.k(['delete', 'pod', victim, '--wait=false']);
    await eventually(async () => {
      const names = (await c.k(['get', 'pods', '-l', 'app=web', '--field-selector=status.phase=Running', '-o', 'jsonpath={.items[*].metadata.name}'])).trim().split(/\s+/).filter(Boolean);
      return names.length === 2 && !names.includes(victim);
    }, 60_000, 'replacement pod');
  });

  test('pause holds a rollout; resume and restart roll out', async () => {
    await c.k(['rollout', 'pause', 'deployment/web']);
    await c.k(['set', 'image', 'deployment/web', 'c=busybox:3']);
    await new Promise(r => setTimeout(r, 2000));
    const images = await c.k(['get', 'rs', '-l', 'app=web', '-o', 'jsonpath={.items[*].spec.template.spec.containers[0].image}']);
    assert.ok(!images.includes('busybox:3'), 'a paused deployment made a new ReplicaSet');
    await c.k(['rollout', 'resume', 'deployment/web']);
    assert.match(await rolledOut('deployment/web'), /successfully rolled out/);
    const before = (await c.k(['get', 'rs', '-l', 'app=web', '-o', 'name'])).trim().split('\n').length;
    await c.k(['rollout', 'restart', 'deployment/web']);
    assert.match(await rolledOut('deployment/web'), /successfully rolled out/);
    const afterCount = (await c.k(['get', 'rs', '-l', 'app=web', '-o', 'name'])).trim().split('\n').length;
    assert.equal(afterCount, before + 1);
  });

  test('a StatefulSet creates its pods in order, with their claims', async () => {
    // Simulated nodes run no provisioner: three static volumes of the default class serve the claims.
    await c.k(['apply', '-f', '-'], [0, 1, 2].map(i => `apiVersion: v1
kind: PersistentVolume
metadata: {name: db-vol-${i}}
spec: {storageClassName: local-path, capacity: {storage: 1Gi}, accessModes: [ReadWriteOnce], hostPath: {path: /tmp/db-vol-${i}}}
`).join('---\n'));
    await c.k(['apply', '-f', '-'], `apiVersion: v1
kind: Service
metadata: {name: db}
spec: {clusterIP: None, selector: {app: db}, ports: [{port: 5432}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 3
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: c, image: busybox:1}]}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`);
    // Record, as each pod appears, whether its predecessor was already ready.
    const order: string[] = [];
    const early: string[] = [];
    const pods = new Informer<PodLike>(client, '/api/v1/namespaces/default/pods', { labelSelector: 'app=db' });
    pods.on({
      add: p => {
        order.push(p.metadata.name!);
        const ord = Number(p.metadata.name!.split('-').pop());
        const prev = pods.get(`default/db-${ord - 1}`);
        if (ord > 0 && !(prev && ready(prev))) early.push(p.metadata.name!);
      },
    });
    pods.start();
    try {
      await rolledOut('statefulset/db');
    } finally {
      pods.stop();
    }
    assert.deepEqual(order.filter((n, i) => order.indexOf(n) === i).slice(0, 3), ['db-0', 'db-1', 'db-2']);
    assert.deepEqual(early, []);
    const claims = (await c.k(['get', 'pvc', '-o', 'jsonpath={.items[*].metadata.name}'])).trim().split(/\s+/).sort();
    assert.deepEqual(claims, ['data-db-0', 'data-db-1', 'data-db-2']);
    assert.equal(await c.k(['get', 'pod', 'db-1', '-o', 'jsonpath={.metadata.labels.apps\\.kubernetes\\.io/pod-index}']), '1');
  });

  test('a DaemonSet runs on every untainted node and on tainted ones it tolerates', async () => {
    const names = (await c.k(['get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}'])).trim().split(/\s+/).sort();
    await c.k(['taint', 'nodes', names[2], 'dedicated=infra:NoSchedule']);
    await c.k(['apply', '-f', '-'], `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: c, image: busybox:1}]}
`);
    const placed = async () => (await c.k(['get', 'pods', '-l', 'app=agent', '-o', 'jsonpath={.items[*].spec.nodeName}'])).trim().split(/\s+/).filter(Boolean).sort();
    await rolledOut('daemonset/agent');
    assert.deepEqual(await placed(), names.slice(0, 2));
    await c.k(['patch', 'daemonset', 'agent', '--type=merge', '-p', '{"spec":{"template":{"spec":{"tolerations":[{"key":"dedicated","operator":"Exists","effect":"NoSchedule"}]}}}}']);
    await rolledOut('daemonset/agent');
    await eventually(async () => JSON.stringify(await placed()) === JSON.stringify(names), 60_000, 'a daemon pod on every node');
  });
});
