// Real nodes on one machine, each in its own network namespace (support/netns-cluster.ts): the
// server's own node and two agents that join with the token, register and become Ready; each node
// routes the others' pod CIDRs over the shared LAN (host-gw); a killed agent's node goes NotReady.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { eventually } from './harness.js';
import { NetnsCluster, routesOf } from './support/netns-cluster.js';

interface NodeLike {
  metadata: { name: string; labels?: Record<string, string> };
  spec?: { podCIDR?: string };
  status?: {
    conditions?: { type: string; status: string; reason?: string }[];
    addresses?: { type: string; address: string }[];
    nodeInfo?: { containerRuntimeVersion?: string; kubeletVersion?: string };
    capacity?: Record<string, string>;
    images?: { names: string[] }[];
  };
}

const readyOf = (n: NodeLike) => n.status?.conditions?.find(c => c.type === 'Ready');

// Grace must exceed the 10 s lease renewal interval, or healthy nodes would flap.
const GRACE_SECONDS = 15;

describe('multi-node cluster in network namespaces', () => {
  let c: NetnsCluster;
  const nodes = async () => (JSON.parse(await c.k(['get', 'nodes', '-o', 'json'])) as { items: NodeLike[] }).items;

  before(async () => {
    c = await NetnsCluster.start({ agents: 2, serverArgs: ['--node-monitor-grace-period', String(GRACE_SECONDS)] });
  });
  after(async () => {
    await c?.destroy();
  });

  test('the server\'s node and two agents register and become Ready, each with its own pod CIDR', async () => {
    const list = await eventually(async () => {
      const items = await nodes();
      return items.length === 3 && items.every(n => readyOf(n)?.status === 'True' && n.spec?.podCIDR) ? items : undefined;
    }, 60_000, 'three Ready nodes');
    assert.deepEqual(list.map(n => n.metadata.name).sort(), ['agent-1', 'agent-2', 'server']);
    assert.equal(new Set(list.map(n => n.spec!.podCIDR)).size, 3);
    for (const n of list) {
      const node = c.node(n.metadata.name);
      assert.deepEqual(n.status!.addresses, [{ type: 'InternalIP', address: node.ip }, { type: 'Hostname', address: node.name }]);
      assert.match(n.status!.nodeInfo!.containerRuntimeVersion!, /^containerd:\/\/1\.6\./);
      assert.equal(n.metadata.labels!['kubernetes.io/hostname'], node.name);
      assert.equal(n.status!.capacity!.pods, '110');
      assert.ok(n.status!.images!.some(i => i.names.includes('k8ts.local/pause:1')), `pause image listed on ${node.name}`);
      // The node's CNI network uses its pod CIDR, with address state in the agent's own dir.
      const conflist = JSON.parse(readFileSync(join(node.dataDir, 'agent', 'etc', 'cni', 'net.d', '10-k8ts.conflist'), 'utf8'));
      assert.deepEqual(conflist.plugins[0].ipam.ranges, [[{ subnet: n.spec!.podCIDR }]]);
    }
    assert.equal(list.find(n => n.metadata.name === 'server')!.metadata.labels!['node-role.kubernetes.io/control-plane'], 'true');
    const out = await c.k(['get', 'nodes']);
    assert.match(out, /agent-1\s+Ready\s+<none>/);
    assert.match(out, /server\s+Ready\s+control-plane/);
  });

  test('each node routes every other node\'s pod CIDR via that node (host-gw)', async () => {
    const list = await nodes();
    for (const self of list) {
      const want = list.filter(n => n !== self).map(n => `${n.spec!.podCIDR} via ${c.node(n.metadata.name).ip} dev eth0 proto 75`).sort();
      await eventually(() => {
        const have = routesOf(c.node(self.metadata.name).netns).filter(r => / proto 75/.test(r)).map(r => r.trim()).sort();
        return JSON.stringify(have) === JSON.stringify(want) ? true : undefined;
      }, 20_000, `routes on ${self.metadata.name}: want ${want.join('; ')}`);
    }
  });

  test('a killed agent\'s node goes NotReady (NodeStatusUnknown) and is tainted unreachable', async () => {
    await c.stopNode('agent-2', 'SIGKILL');
    const node = await eventually(async () => {
      const n = (await nodes()).find(x => x.metadata.name === 'agent-2');
      return n && readyOf(n)?.status === 'Unknown' ? n : undefined;
    }, (GRACE_SECONDS + 30) * 1000, 'agent-2 NotReady');
    assert.equal(readyOf(node)!.reason, 'NodeStatusUnknown');
    const taints = await eventually(async () => {
      const t = await c.k(['get', 'node', 'agent-2', '-o', 'jsonpath={.spec.taints[*].key}']);
      return t.includes('node.kubernetes.io/unreachable') ? t : undefined;
    }, 20_000, 'unreachable taint');
    assert.match(taints, /node\.kubernetes\.io\/unreachable/);
    assert.match(await c.k(['get', 'nodes']), /agent-2\s+NotReady/);
  });

  test('the agent, restarted with its data dir, brings its node back to Ready', async () => {
    await c.restartAgent('agent-2');
    await eventually(async () => {
      const n = (await nodes()).find(x => x.metadata.name === 'agent-2');
      return n && readyOf(n)?.status === 'True' ? n : undefined;
    }, 60_000, 'agent-2 Ready again');
  });
});
