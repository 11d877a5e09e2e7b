// Node lifecycle end to end: every node gets its own pod CIDR; a node whose simulated kubelet dies
// goes Unknown (NodeStatusUnknown) and is tainted unreachable, its pods are evicted by the NoExecute
// taint manager once their tolerationSeconds run out and the Deployment's replacements land on the
// healthy nodes; a pod that named no toleration has the DefaultTolerationSeconds admission's
// (set long here by the server flags) and stays.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestCluster, eventually } from './harness.js';
import { fastNodeMonitorArgs, getJson, startSimNodes, type NodeLike, type SimNodes } from './cluster-sim.js';
import { deployment, LEAVE_LOST_NODE_SOON, spreadOverNodes } from './support/pods.js';

interface PodLike { metadata: { name: string; deletionTimestamp?: string }; spec?: { nodeName?: string; tolerations?: object[] }; status?: { conditions?: { type: string; status: string; reason?: string }[] } }

// Spread over all three nodes, tolerating an unreachable or not-ready node for 2 s only.
const WEB = deployment('web', 6, {
  containers: [{ name: 'c', image: 'busybox' }],
  tolerations: LEAVE_LOST_NODE_SOON,
  topologySpreadConstraints: spreadOverNodes('web', 'ScheduleAnyway'),
});

/** What pods that name no not-ready/unreachable toleration tolerate, via the server flags. */
const DEFAULT_TOLERATION_SECONDS = 600;

describe('node lifecycle, taint eviction and pod CIDRs', () => {
  let c: TestCluster;
  let healthy: SimNodes;
  let doomed: SimNodes;

  before(async () => {
    c = await TestCluster.start({ extraArgs: [...await fastNodeMonitorArgs(8),
      '--default-not-ready-toleration-seconds', String(DEFAULT_TOLERATION_SECONDS), '--default-unreachable-toleration-seconds', String(DEFAULT_TOLERATION_SECONDS)] });
    healthy = await startSimNodes(c, 2, 'ok-');
    doomed = await startSimNodes(c, 1, 'doomed-');
  });
  after(async () => {
    await healthy?.stop();
    await doomed?.stop();
    await c?.stop();
  });

  test('each node gets a distinct /24 from the cluster CIDR', async () => {
    const nodes = await eventually(async () => {
      const list = (await getJson<{ items: NodeLike[] }>(c, ['get', 'nodes'])).items;
      return list.every(n => n.spec?.podCIDR) ? list : undefined;
    }, 30_000, 'pod CIDRs on all nodes');
    const cidrs = nodes.map(n => n.spec!.podCIDR!);
    assert.equal(new Set(cidrs).size, nodes.length);
    for (const n of nodes) {
      assert.match(n.spec!.podCIDR!, /^10\.42\.\d{1,3}\.0\/24$/);
      assert.deepEqual(n.spec!.podCIDRs, [n.spec!.podCIDR]);
    }
  });

  test('a stopped node goes NotReady, gets the unreachable taints, and its pods are evicted and rescheduled', async () => {
    await c.k(['apply', '-f', '-'], WEB);
    await eventually(async () => (await c.k(['get', 'deployment', 'web', '-o', 'jsonpath={.status.readyReplicas}'])) === '6', 60_000, '6 ready');
    const doomedNode = (await getJson<{ items: NodeLike[] }>(c, ['get', 'nodes'])).items.find(n => n.metadata.name.startsWith('doomed-'))!.metadata.name;
    const pods = (await getJson<{ items: PodLike[] }>(c, ['get', 'pods', '-l', 'app=web'])).items;
    const victims = pods.filter(p => p.spec?.nodeName === doomedNode).map(p => p.metadata.name);
    // A pod without tolerations of its own, bound straight to the doomed node.
    await c.k(['run', 'patient', '--image', 'busybox', '--restart', 'Never', '--overrides', JSON.stringify({ spec: { nodeName: doomedNode } })]);
    const patient = await getJson<PodLike>(c, ['get', 'pod', 'patient']);
    assert.deepEqual(patient.spec?.tolerations, [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_TOLERATION_SECONDS },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_TOLERATION_SECONDS },
    ]);

    await doomed.stop('SIGKILL');
    // Default grace period is 40 s; the test server may shorten it.
    const node = await eventually(async () => {
      const n = await getJson<NodeLike>(c, ['get', 'node', doomedNode]);
      const ready = n.status?.conditions?.find(x => x.type === 'Ready');
      return ready?.status === 'Unknown' ? n : undefined;
    }, 90_000, 'node Ready=Unknown');
    assert.equal(node.status!.conditions!.find(x => x.type === 'Ready')!.reason, 'NodeStatusUnknown');
    assert.match(await c.k(['get', 'node', doomedNode]), /NotReady/);
    await eventually(async () => {
      const n = await getJson<NodeLike>(c, ['get', 'node', doomedNode]);
      const keys = (n.spec?.taints ?? []).map(t => `${t.key}:${t.effect}`);
      return keys.includes('node.kubernetes.io/unreachable:NoExecute') && keys.includes('node.kubernetes.io/unreachable:NoSchedule');
    }, 30_000, 'unreachable taints');

    // The pods tolerate the taint for 2 s (tolerationSeconds), then are evicted and replaced.
    assert.ok(victims.length > 0, 'some pods ran on the stopped node');
    await eventually(async () => {
      const now = (await getJson<{ items: PodLike[] }>(c, ['get', 'pods', '-l', 'app=web'])).items;
      return victims.every(v => { const p = now.find(x => x.metadata.name === v); return !p || p.metadata.deletionTimestamp; });
    }, 60_000, 'pods on the stopped node evicted');
    await eventually(async () => {
      const now = (await getJson<{ items: PodLike[] }>(c, ['get', 'pods', '-l', 'app=web'])).items.filter(p => !p.metadata.deletionTimestamp);
      return now.length === 6 && now.every(p => p.spec?.nodeName?.startsWith('ok-'));
    }, 60_000, 'replacements on the healthy nodes');
    // The admission's toleration keeps the bare pod on the unreachable node well past the 2 s.
    const stayed = await getJson<PodLike>(c, ['get', 'pod', 'patient']);
    assert.equal(stayed.spec?.nodeName, doomedNode);
    assert.equal(stayed.metadata.deletionTimestamp, undefined);
    // The taint manager leaves pods on healthy nodes alone.
    const healthyPods = (await getJson<{ items: PodLike[] }>(c, ['get', 'pods', '-l', 'app=web'])).items.filter(p => p.spec?.nodeName?.startsWith('ok-'));
    assert.ok(healthyPods.every(p => !p.status?.conditions?.some(x => x.type === 'DisruptionTarget')));
  });
});
