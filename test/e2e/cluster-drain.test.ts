// Cordon and drain with the real kubectl: a cordoned node is unschedulable and tainted; a drain goes
// through the eviction subresource, which refuses evictions a PodDisruptionBudget forbids (kubectl
// retries them) so that the budget's minimum of ready pods holds throughout.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Informer } from '../../src/client/informer.js';
import type { KubeObject } from '../../src/api/object.js';
import { eventually } from './harness.js';
import { getJson, isReady, type NodeLike } from './cluster-sim.js';
import { deployment } from './support/pods.js';
import { suiteCluster } from './support/suite-cluster.js';

interface PodLike extends KubeObject { spec?: { nodeName?: string }; status?: { conditions?: { type: string; status: string }[] } }

const WEB = deployment('web', 3, { containers: [{ name: 'c', image: 'busybox' }] });
const pdb = (minAvailable: number) => `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  minAvailable: ${minAvailable}
  selector: {matchLabels: {app: web}}
`;

describe('cordon and drain respect a PodDisruptionBudget', () => {
  const s = suiteCluster({ simNodes: { count: 3, prefix: 'drain-' }, api: true });

  const podsOn = async (node: string) => (await getJson<{ items: PodLike[] }>(s.c, ['get', 'pods', '-l', 'app=web', '--field-selector', `spec.nodeName=${node}`])).items;

  test('a budget that allows no disruption blocks the drain; one that allows some lets it finish, never below minAvailable', async () => {
    await s.c.k(['apply', '-f', '-'], WEB);
    await eventually(async () => (await s.c.k(['get', 'deployment', 'web', '-o', 'jsonpath={.status.readyReplicas}'])) === '3', 60_000, '3 ready replicas');
    const pods = await getJson<{ items: PodLike[] }>(s.c, ['get', 'pods', '-l', 'app=web']);
    const target = pods.items[0].spec!.nodeName!;

    // Budget status from the disruption controller.
    await s.c.k(['apply', '-f', '-'], pdb(3));
    await eventually(async () => {
      const budget = await getJson<{ status?: { currentHealthy?: number; desiredHealthy?: number; expectedPods?: number; disruptionsAllowed?: number; conditions?: { type: string; status: string; reason: string }[] } }>(s.c, ['get', 'pdb', 'web']);
      return budget.status?.currentHealthy === 3 && budget.status.desiredHealthy === 3 && budget.status.expectedPods === 3 && budget.status.disruptionsAllowed === 0
        && budget.status.conditions?.some(x => x.type === 'DisruptionAllowed' && x.status === 'False' && x.reason === 'InsufficientPods');
    }, 30_000, 'pdb status: 0 disruptions allowed');

    // Cordon: unschedulable plus the mirrored taint.
    await s.c.k(['cordon', target]);
    await eventually(async () => {
      const n = await getJson<NodeLike>(s.c, ['get', 'node', target]);
      return n.spec?.unschedulable && n.spec.taints?.some(t => t.key === 'node.kubernetes.io/unschedulable' && t.effect === 'NoSchedule');
    }, 20_000, 'unschedulable taint');

    // minAvailable 3 of 3: every eviction is refused with upstream's message.
    const blocked = await s.c.kubectl(['drain', target, '--ignore-daemonsets', '--timeout=6s']);
    assert.notEqual(blocked.code, 0);
    assert.match(blocked.stderr + blocked.stdout, /Cannot evict pod as it would violate the pod's disruption budget/);
    assert.equal((await podsOn(target)).filter(p => !p.metadata.deletionTimestamp).length > 0, true);

    // minAvailable 2: evictions proceed one at a time as replacements become ready elsewhere.
    await s.c.k(['apply', '-f', '-'], pdb(2));
    await eventually(async () => (await s.c.k(['get', 'pdb', 'web', '-o', 'jsonpath={.status.disruptionsAllowed}'])) === '1', 30_000, '1 disruption allowed');
    const watch = new Informer<PodLike>(s.api, '/api/v1/namespaces/default/pods', { labelSelector: 'app=web' });
    let minReady = Infinity;
    // The initial listing adds pods one by one; only whole states count.
    const check = () => { if (watch.hasSynced) minReady = Math.min(minReady, watch.list().filter(p => !p.metadata.deletionTimestamp && isReady(p)).length); };
    watch.on({ add: check, update: check, delete: check });
    watch.start();
    await watch.waitForSync();
    try {
      const out = await s.c.k(['drain', target, '--ignore-daemonsets', '--timeout=90s']);
      assert.match(out, new RegExp(`node/${target} drained`));
    } finally {
      watch.stop();
    }
    assert.ok(minReady >= 2, `ready pods dropped to ${minReady}`);
    assert.equal((await podsOn(target)).filter(p => !p.metadata.deletionTimestamp).length, 0);
    await eventually(async () => (await s.c.k(['get', 'deployment', 'web', '-o', 'jsonpath={.status.readyReplicas}'])) === '3', 60_000, '3 ready again');

    await s.c.k(['uncordon', target]);
    await eventually(async () => {
      const n = await getJson<NodeLike>(s.c, ['get', 'node', target]);
      return !n.spec?.unschedulable && !n.spec?.taints?.some(t => t.key === 'node.kubernetes.io/unschedulable');
    }, 20_000, 'taint removed on uncordon');
  });
});
