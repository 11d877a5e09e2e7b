// Real nodes on one machine, each in its own network namespace (support/netns-cluster.ts): the
// server's own node and two agents join with the token, register and become Ready; each node routes
// the others' pod CIDRs over the shared LAN (host-gw), so a busybox httpd Deployment's pods answer
// pods on other nodes by pod IP (kubectl exec and logs reach every node's kubelet server through the
// API server); an agent restart leaves its pods running; a killed agent's node goes NotReady and its
// pods are rescheduled elsewhere. Nothing is left afterwards.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { K8TS_BIN, eventually, run } from './harness.js';
import { BUSYBOX_IMAGE } from '../../src/kubelet/images/builtin.js';
import { NetnsCluster, leftoversOf, routesOf } from './support/netns-cluster.js';
import { deployment, fetchFromPod, httpdContainer, httpdPod, LEAVE_LOST_NODE_SOON, spreadOverNodes } from './support/pods.js';

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

interface PodLike {
  metadata: { name: string; uid: string; deletionTimestamp?: string };
  spec: { nodeName?: string };
  status?: {
    phase?: string;
    podIP?: string;
    conditions?: { type: string; status: string; reason?: string }[];
    containerStatuses?: { containerID?: string; restartCount: number; state?: Record<string, unknown> }[];
  };
}

const readyOf = (n: NodeLike | PodLike) => n.status?.conditions?.find(c => c.type === 'Ready');

// Each pod serves its own name; it tolerates an unreachable or not-ready node for 2 s only, so a
// dead node's pods are replaced quickly.
const WEB = deployment('web', 3, {
  terminationGracePeriodSeconds: 1,
  containers: [httpdContainer('hostname > /www/index.html', { ports: [{ containerPort: 8080 }] })],
  tolerations: LEAVE_LOST_NODE_SOON,
  topologySpreadConstraints: spreadOverNodes('web', 'ScheduleAnyway'),
});

/** A pod on `node` that fetches http://ip:8080/ and succeeds only if `expect` answered. */
const fetcher = (name: string, node: string, ip: string, expect: string) => JSON.stringify({
  apiVersion: 'v1', kind: 'Pod', metadata: { name },
  spec: {
    nodeName: node, restartPolicy: 'Never', terminationGracePeriodSeconds: 1,
    containers: [{ name: 'wget', image: BUSYBOX_IMAGE, command: ['sh', '-c', `wget -qO /tmp/page http://${ip}:8080/ && grep -qx ${expect} /tmp/page`] }],
  },
});

// Grace must exceed the 10 s lease renewal interval, or healthy nodes would flap.
const GRACE_SECONDS = 15;

describe('multi-node cluster in network namespaces', () => {
  let c: NetnsCluster;
  const nodes = async () => (JSON.parse(await c.k(['get', 'nodes', '-o', 'json'])) as { items: NodeLike[] }).items;
  const pods = async (selector: string) => (JSON.parse(await c.k(['get', 'pods', '-l', selector, '-o', 'json'])) as { items: PodLike[] }).items;
  const pod = async (name: string) => JSON.parse(await c.k(['get', 'pod', name, '-o', 'json'])) as PodLike;
  const readyWeb = async () => {
    const live = (await pods('app=web')).filter(p => !p.metadata.deletionTimestamp);
    return live.length === 3 && live.every(p => readyOf(p)?.status === 'True') ? live : undefined;
  };
  const nodeReady = async (name: string, status: string) => {
    const n = (await nodes()).find(x => x.metadata.name === name);
    return n && readyOf(n)?.status === status ? n : undefined;
  };

  before(async () => {
    c = await NetnsCluster.start({ agents: 2, serverArgs: ['--node-monitor-grace-period', String(GRACE_SECONDS)] });
  });
  after(async () => {
    if (!c) return;
    await c.destroy();
    assert.deepEqual(leftoversOf(c), []);
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
    assert.match(out, /server\s+Ready\s+control-plane/);    // The kubelet's events, found by kubectl describe's node reference.
    await eventually(async () => {
      const d = await c.k(['describe', 'node', 'agent-1']);
      return /Starting\s+.*Starting kubelet\./.test(d) && /NodeReady\s+.*Node agent-1 status is now: NodeReady/.test(d) ? d : undefined;
    }, 20_000, 'Starting and NodeReady events on agent-1');
  });

  test('an agent with a wrong token is refused before it sends the token', async () => {
    // The server's token id with another secret: the server's proof of the CA cannot match it.
    const id = readFileSync(join(c.server.dataDir, 'token'), 'utf8').trim().split('.')[0];
    const r = await run('nsenter', [`--net=${c.node('agent-2').netns.path}`, '--', process.execPath, K8TS_BIN, 'agent',
      '--server', `https://${c.server.ip}:6443`, '--token', `${id}.wrongwrongwrong0`, '--data-dir', join(c.root, 'intruder'), '--node-name', 'intruder']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /does not match the join token/);
    assert.doesNotMatch(await c.k(['get', 'nodes']), /intruder/);
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


  test('a node off the LAN (its InternalIP not on-link) gets no route and disturbs no other', async () => {
    await c.k(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'far-away' }, spec: { podCIDR: '10.42.250.0/24', podCIDRs: ['10.42.250.0/24'] } }));
    await c.k(['patch', 'node', 'far-away', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { addresses: [{ type: 'InternalIP', address: '192.0.2.10' }] } })]);
    await eventually(() => /routes to pod networks refused.*10\.42\.250\.0\/24 via 192\.0\.2\.10/.test(c.node('agent-1').log.join('')), 20_000, 'the refusal logged on agent-1');
    assert.ok(!routesOf(c.node('agent-1').netns).some(r => r.startsWith('10.42.250.0/24')));
    await c.k(['delete', 'node', 'far-away']);
    // The other nodes' routes are all still there.
    const list = await nodes();
    for (const n of list.filter(x => x.metadata.name !== 'agent-1')) {
      assert.ok(routesOf(c.node('agent-1').netns).some(r => r.startsWith(`${n.spec!.podCIDR} via ${c.node(n.metadata.name).ip}`)), n.metadata.name);
    }
  });

  test('a busybox httpd Deployment becomes Ready, spread over the nodes', async () => {
    await c.k(['apply', '-f', '-'], WEB);
    const web = await eventually(readyWeb, 120_000, 'three ready web pods');
    const on = new Set(web.map(p => p.spec.nodeName));
    assert.ok(on.size >= 2, `pods on ${[...on].join(', ')}`);
    for (const p of web) assert.match(p.status!.podIP!, /^10\.42\.\d+\.\d+$/);
    assert.match(await c.k(['get', 'deployment', 'web']), /web\s+3\/3\s+3\s+3/);
  });

  test('pods on different nodes reach each other by pod IP (kubectl exec through each node\'s kubelet)', async () => {
    const web = (await readyWeb())!;
    // Every pair of web pods on different nodes, in both directions.
    for (const from of web) {
      for (const to of web.filter(p => p.spec.nodeName !== from.spec.nodeName)) {
        const page = await fetchFromPod(c, from.metadata.name, `http://${to.status!.podIP}:8080/`);
        assert.equal(page, to.metadata.name, `${from.spec.nodeName} → ${to.spec.nodeName}`);
      }
    }
    // A pod that is not a kubectl exec: its own network namespace on another node, exit code 0.
    const target = web.find(p => p.spec.nodeName !== 'agent-1') ?? web[0];
    const from = target.spec.nodeName === 'agent-1' ? 'agent-2' : 'agent-1';
    await c.k(['apply', '-f', '-'], fetcher('fetch', from, target.status!.podIP!, target.metadata.name));
    const done = await eventually(async () => {
      const p = await pod('fetch');
      return p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed' ? p : undefined;
    }, 60_000, `fetch on ${from} from ${target.spec.nodeName}`);
    assert.equal(done.status!.phase, 'Succeeded', `${from} → ${target.spec.nodeName} (${target.status!.podIP}): ${JSON.stringify(done.status!.containerStatuses)}`);
    await c.k(['delete', 'pod', 'fetch', '--wait=false']);
  });

  test('an agent restart (after a crash) leaves its pods running: same containers, no restarts', async () => {
    await c.k(['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'keeper' },
      spec: { nodeName: 'agent-1', terminationGracePeriodSeconds: 1, containers: [{ name: 'sleep', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'echo keeper started; exec sleep 3600'] }] },
    }));
    const before = await eventually(async () => {
      const p = await pod('keeper');
      return readyOf(p)?.status === 'True' ? p : undefined;
    }, 60_000, 'keeper running');
    const containerID = before.status!.containerStatuses![0].containerID;
    assert.ok(containerID);
    assert.equal(await c.k(['logs', 'keeper']), 'keeper started\n');
    await c.stopNode('agent-1', 'SIGKILL');
    await c.restartAgent('agent-1');
    await eventually(() => nodeReady('agent-1', 'True'), 30_000, 'agent-1 Ready');
    // Several kubelet sync periods: a kubelet that failed to adopt would have replaced the container.
    for (let i = 0; i < 8; i++) {
      const p = await pod('keeper');
      assert.equal(p.metadata.uid, before.metadata.uid);
      assert.equal(p.status!.containerStatuses![0].containerID, containerID);
      assert.equal(p.status!.containerStatuses![0].restartCount, 0);
      assert.equal(readyOf(p)?.status, 'True');
      await new Promise(r => setTimeout(r, 1000));
    }
    // The restarted agent's kubelet server serves the same container's log.
    assert.equal(await c.k(['logs', 'keeper']), 'keeper started\n');
    await c.k(['delete', 'pod', 'keeper', '--wait=false']);
  });

  test('a killed agent\'s node goes NotReady (NodeStatusUnknown) and its pods are rescheduled elsewhere', async () => {
    const web = (await readyWeb())!;
    const victim = ['agent-2', 'agent-1'].find(n => web.some(p => p.spec.nodeName === n));
    assert.ok(victim, `no web pod on an agent: ${web.map(p => p.spec.nodeName).join(', ')}`);
    await c.stopNode(victim, 'SIGKILL');
    const node = await eventually(() => nodeReady(victim, 'Unknown'), (GRACE_SECONDS + 30) * 1000, `${victim} NotReady`);
    assert.equal(readyOf(node)!.reason, 'NodeStatusUnknown');
    assert.match(await c.k(['get', 'node', victim, '-o', 'jsonpath={.spec.taints[*].key}']), /node\.kubernetes\.io\/unreachable/);
    assert.match(await c.k(['get', 'nodes']), new RegExp(`${victim}\\s+NotReady`));
    const replaced = await eventually(async () => {
      const live = await readyWeb();
      return live?.every(p => p.spec.nodeName !== victim) ? live : undefined;
    }, 90_000, `web pods replaced away from ${victim}`);
    assert.equal(replaced.length, 3);

    // Back again: the node is Ready and its kubelet finishes the evicted pods.
    await c.restartAgent(victim);
    await eventually(() => nodeReady(victim, 'True'), 60_000, `${victim} Ready again`);
    await eventually(async () => (await pods('app=web')).every(p => p.spec.nodeName !== victim), 60_000, `evicted pods on ${victim} gone`);
  });

  test('a deleted node\'s pod CIDR is no longer routed; registered again with another range, it works', async () => {
    const cidr = (await nodes()).find(n => n.metadata.name === 'agent-2')!.spec!.podCIDR!;
    const routed = (name: string) => routesOf(c.node(name).netns).some(r => r.startsWith(`${cidr} via `));
    assert.ok(routed('server') && routed('agent-1'));
    // Stopped first: a running kubelet would register its Node again.
    await c.stopNode('agent-2', 'SIGTERM');
    await c.k(['delete', 'node', 'agent-2']);
    await eventually(() => !routed('server') && !routed('agent-1'), 20_000, `routes to ${cidr} removed`);

    // Registered again while its old range is taken, it gets another one: its CNI network (bridge
    // gateway included) and the other nodes' routes follow, and its pods are reachable again.
    await c.k(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'squatter' }, spec: { podCIDR: cidr, podCIDRs: [cidr] } }));
    await c.restartAgent('agent-2');
    const again = await eventually(async () => {
      const n = await nodeReady('agent-2', 'True');
      return n?.spec?.podCIDR ? n : undefined;
    }, 60_000, 'agent-2 registered again');
    assert.notEqual(again.spec!.podCIDR, cidr);
    await c.k(['apply', '-f', '-'], httpdPod('moved', 'agent-2'));
    const moved = await eventually(async () => {
      const p = await pod('moved');
      return readyOf(p)?.status === 'True' ? p : undefined;
    }, 60_000, 'a pod in agent-2\'s new range');
    assert.ok(moved.status!.podIP!.startsWith(again.spec!.podCIDR!.split('.').slice(0, 3).join('.') + '.'), moved.status!.podIP);
    const from = (await readyWeb())![0];
    await eventually(async () => await fetchFromPod(c, from.metadata.name, `http://${moved.status!.podIP}:8080/`) === 'moved',
      20_000, `${from.spec.nodeName} reaching ${moved.status!.podIP}`);
    await c.k(['delete', 'node', 'squatter']);
  });
});
