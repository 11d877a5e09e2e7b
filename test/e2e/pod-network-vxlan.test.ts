// Nodes on two different subnets (support/netns-cluster.ts `secondSubnet`: the server and agent-2 on
// 10.99.0.0/24, agent-1 on 10.98.0.0/24, joined only by a router namespace) with
// `--pod-network-backend vxlan`: each node has its VTEP with every other's MAC in its FDB, a
// neighbour entry and an onlink route to the other's pod CIDR, the MAC is published on its Node, pods
// get the tunnel's MTU, and real busybox pods reach each other's httpd by pod IP across the router —
// which host-gw cannot do here, since the kernel refuses a route via a node that is not on its
// network. An agent restarted takes over its VTEP, keeping its MAC; a deleted Node's entries go away
// on the others and come back when it registers again. Nothing is left afterwards.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eventually } from './harness.js';
import { NetnsCluster, leftoversOf } from './support/netns-cluster.js';
import { fetchFromPod, httpdPod } from './support/pods.js';

interface NodeLike {
  metadata: { name: string; annotations?: Record<string, string> };
  spec?: { podCIDR?: string };
  status?: { conditions?: { type: string; status: string }[] };
}
interface PodLike { status?: { podIP?: string; conditions?: { type: string; status: string }[] } }

const VTEP = 'k8ts.vxlan';

describe('VXLAN pod network across two subnets', () => {
  let c: NetnsCluster;
  const nodes = async () => (JSON.parse(await c.k(['get', 'nodes', '-o', 'json'])) as { items: NodeLike[] }).items;
  const link = (node: string) => JSON.parse(c.inNode(node, 'ip', ['-d', '-j', 'link', 'show', VTEP]))[0] as {
    address: string; mtu: number; linkinfo: { info_kind: string; info_data: { id: number; port: number; local: string; learning: boolean } };
  };
  const podIP = async (name: string) => (JSON.parse(await c.k(['get', 'pod', name, '-o', 'json'])) as PodLike).status?.podIP;
  const fetch = (from: string, ip: string) => fetchFromPod(c, from, `http://${ip}:8080/`);

  before(async () => {
    c = await NetnsCluster.start({ agents: 2, secondSubnet: ['agent-1'], nodeArgs: ['--pod-network-backend', 'vxlan'] });
  });
  after(async () => {
    if (!c) return;
    await c.destroy();
    assert.deepEqual(leftoversOf(c), []);
  });

  let byName: Map<string, NodeLike>;

  test('every node is Ready and publishes its VTEP MAC; server and agent-1 share no L2 network', async () => {
    const list = await eventually(async () => {
      const items = await nodes();
      return items.length === 3 && items.every(n => n.status?.conditions?.find(x => x.type === 'Ready')?.status === 'True' && n.spec?.podCIDR
        && n.metadata.annotations?.['k8ts.io/vxlan-vtep-mac']) ? items : undefined;
    }, 60_000, 'three Ready nodes with VTEP MACs');
    byName = new Map(list.map(n => [n.metadata.name, n]));
    for (const n of c.nodes) {
      const l = link(n.name);
      assert.equal(l.linkinfo.info_kind, 'vxlan');
      assert.deepEqual([l.linkinfo.info_data.id, l.linkinfo.info_data.port, l.linkinfo.info_data.local, l.linkinfo.info_data.learning], [1, 8472, n.ip, false]);
      assert.equal(l.mtu, 1450, 'the VTEP MTU leaves room for 50 bytes of headers');
      assert.equal(byName.get(n.name)!.metadata.annotations!['k8ts.io/vxlan-vtep-mac'], l.address);
      assert.equal(byName.get(n.name)!.metadata.annotations!['k8ts.io/pod-network-backend'], 'vxlan');
      const vtepAddr = byName.get(n.name)!.spec!.podCIDR!.replace(/\/\d+$/, '');
      assert.match(c.inNode(n.name, 'ip', ['-4', 'addr', 'show', 'dev', VTEP]), new RegExp(`inet ${vtepAddr.replaceAll('.', '\\.')}/32 `));
    }
    // host-gw's route (the agent's pod CIDR via the agent's IP) is refused: the agent is no neighbour.
    const agent = c.node('agent-1');
    const hostGw = await c.server.netns.run('sh', ['-c', `ip route add ${byName.get('agent-1')!.spec!.podCIDR} via ${agent.ip} table 99 2>&1 || true`]);
    assert.match(hostGw, /Nexthop has invalid gateway|Network is unreachable/, hostGw);
  });

  /** Whether `self` has the FDB entry, neighbour entry and route for node `other` as the Node shows it. */
  const hasEntriesFor = (self: string, peer: NodeLike) => {
    const mac = peer.metadata.annotations!['k8ts.io/vxlan-vtep-mac'];
    const cidr = peer.spec!.podCIDR!;
    const vtepAddr = cidr.replace(/\/\d+$/, '');
    const fdb = JSON.parse(c.inNode(self, 'bridge', ['-j', 'fdb', 'show', 'dev', VTEP])) as { mac: string; dst?: string }[];
    const neigh = JSON.parse(c.inNode(self, 'ip', ['-j', 'neigh', 'show', 'dev', VTEP])) as { dst: string; lladdr: string; state: string[] }[];
    const routes = JSON.parse(c.inNode(self, 'ip', ['-j', 'route', 'show', cidr])) as { dst: string; gateway: string; dev: string; flags: string[] }[];
    return {
      fdb: fdb.some(f => f.mac === mac && f.dst === c.node(peer.metadata.name).ip),
      neigh: neigh.some(n => n.dst === vtepAddr && n.lladdr === mac && n.state.includes('PERMANENT')),
      route: routes.some(r => r.gateway === vtepAddr && r.dev === VTEP && r.flags.includes('onlink')),
    };
  };

  test('each node has an FDB entry, a neighbour entry and an onlink route for every other', async () => {
    for (const self of byName.keys()) {
      for (const [other, peer] of byName) {
        if (other === self) continue;
        await eventually(() => Object.values(hasEntriesFor(self, peer)).every(Boolean), 20_000, `${self}'s VXLAN entries for ${other}`);
      }
    }
  });

  test('pods on the two subnets reach each other by pod IP through the tunnel, with the tunnel\'s MTU', async () => {
    await c.k(['apply', '-f', '-'], [httpdPod('web-server', 'server'), httpdPod('web-agent', 'agent-1')].join('\n---\n'));
    await c.k(['wait', '--for=condition=Ready', 'pod/web-server', 'pod/web-agent', '--timeout=90s']);
    const serverPod = (await podIP('web-server'))!;
    const agentPod = (await podIP('web-agent'))!;
    assert.equal(await eventually(() => fetch('web-server', agentPod), 20_000, 'server pod → agent pod'), 'web-agent');
    assert.equal(await eventually(() => fetch('web-agent', serverPod), 20_000, 'agent pod → server pod'), 'web-server');
    const mtu = await c.k(['exec', 'web-agent', '--', 'cat', '/sys/class/net/eth0/mtu']);
    assert.equal(mtu.trim(), '1450');
  });

  test('a restarted agent takes over its VTEP: same MAC, pods still reachable', async () => {
    const before = link('agent-1').address;
    await c.stopNode('agent-1');
    await c.restartAgent('agent-1');
    assert.equal(link('agent-1').address, before);
    const agentPod = (await podIP('web-agent'))!;
    assert.equal(await eventually(() => fetch('web-server', agentPod), 20_000, 'server pod → agent pod after restart'), 'web-agent');
  });

  test('a deleted Node\'s entries are removed from the others; registered again, they come back', async () => {
    const old = byName.get('agent-2')!;
    // Stopped first: a running kubelet would register its Node again at once.
    await c.stopNode('agent-2');
    await c.k(['delete', 'node', 'agent-2']);
    for (const self of ['server', 'agent-1']) {
      await eventually(() => !Object.values(hasEntriesFor(self, old)).some(Boolean), 20_000, `${self}'s VXLAN entries for agent-2 removed`);
    }
    await c.restartAgent('agent-2');
    const again = await eventually(async () => {
      const n = (await nodes()).find(x => x.metadata.name === 'agent-2');
      return n?.spec?.podCIDR && n.metadata.annotations?.['k8ts.io/vxlan-vtep-mac'] ? n : undefined;
    }, 60_000, 'agent-2 registered again');
    assert.equal(again.metadata.annotations!['k8ts.io/vxlan-vtep-mac'], old.metadata.annotations!['k8ts.io/vxlan-vtep-mac']);
    for (const self of ['server', 'agent-1']) {
      await eventually(() => Object.values(hasEntriesFor(self, again)).every(Boolean), 20_000, `${self}'s VXLAN entries for agent-2 again`);
    }
  });
});
