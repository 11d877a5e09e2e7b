// Service networking on a real 3-node cluster (support/netns-cluster.ts: the server's node and two
// agents, each in its own network namespace with its own containerd): kube-proxy's iptables rules
// answer ClusterIPs from pods on every node with balancing over all backends (hairpin included),
// ClientIP session affinity sticks, a Service without endpoints is refused at once, NodePorts
// answer on every node IP from the LAN namespace, ServiceLB gives LoadBalancer Services the nodes'
// IPs (and keeps a second one on a taken port pending, with an Event), externalTrafficPolicy Local
// health checks report local endpoints, a restarted agent takes over its rules, a scale-down loses
// no request, and cleanup leaves no rule of kube-proxy in any node. All of it once per proxy mode
// (--proxy-mode iptables and nftables).
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { eventually, run } from './harness.js';
import { NetnsCluster } from './support/netns-cluster.js';
import { clientPod, deployment, httpdContainer, spreadOverNodes } from './support/pods.js';

const NODES = ['server', 'agent-1', 'agent-2'];
const IPTABLES_MODULE = fileURLToPath(new URL('../../src/proxy/iptables.js', import.meta.url));
const NFT_MODULE = fileURLToPath(new URL('../../src/proxy/nft/nft.js', import.meta.url));

/** What each proxy mode leaves in a node's kernel, seen from the test. */
interface ModeView {
  /** The node holds the proxy's rules. */
  holdsRules(c: NetnsCluster, node: string): boolean;
  /** The rules send traffic for this service IP somewhere (or refuse it). */
  routes(c: NetnsCluster, node: string, ip: string): boolean;
  /** Removes every rule of the proxy, as node teardown does. */
  cleanup(c: NetnsCluster, node: string): void;
  /** Rules of kube-proxy (either mode) still in the node, as text; '' when none. */
  leftovers(c: NetnsCluster, node: string): string;
}

const iptablesProxyChains = (c: NetnsCluster, node: string) => ['nat', 'filter']
  // Every KUBE-* chain but the NetworkPolicy enforcer's (KUBE-NWPLCY-*, its own cleanup's) is kube-proxy's.
  .flatMap(t => c.inNode(node, 'iptables-save', ['-t', t]).split('\n').filter(l => /KUBE-(?!NWPLCY-)/.test(l))).join('\n');
const nftProxyTable = (c: NetnsCluster, node: string) => c.inNode(node, 'nft', ['list', 'tables']).split('\n').filter(l => l.includes('k8ts-proxy')).join('\n');
const runModule = (c: NetnsCluster, node: string, module: string, call: string) =>
  c.inNode(node, process.execPath, ['--input-type=module', '-e', `import * as m from ${JSON.stringify(module)}; await m.${call};`]);

const MODES: Record<'iptables' | 'nftables', ModeView> = {
  iptables: {
    holdsRules: (c, n) => /^:KUBE-SERVICES /m.test(c.inNode(n, 'iptables-save', ['-t', 'nat'])),
    routes: (c, n, ip) => c.inNode(n, 'iptables-save', ['-t', 'nat']).includes(`-d ${ip}/32`),
    cleanup: (c, n) => runModule(c, n, IPTABLES_MODULE, 'cleanupProxyRules()'),
    leftovers: (c, n) => iptablesProxyChains(c, n) + nftProxyTable(c, n),
  },
  nftables: {
    holdsRules: (c, n) => nftProxyTable(c, n) !== '',
    routes: (c, n, ip) => c.inNode(n, 'nft', ['list', 'map', 'ip', 'k8ts-proxy', 'service-ips']).includes(`${ip} . tcp`),
    cleanup: (c, n) => runModule(c, n, NFT_MODULE, 'nftDeleteTable()'),
    leftovers: (c, n) => iptablesProxyChains(c, n) + nftProxyTable(c, n),
  },
};

// One web pod per node, each serving its own name on the named port "http"; a preStop sleep keeps a
// terminating pod serving while its endpoint is withdrawn (as real rollouts do).
const WEB = deployment('web', 3, {
  terminationGracePeriodSeconds: 5,
  containers: [httpdContainer('hostname > /www/index.html', { ports: [{ name: 'http', containerPort: 8080 }], lifecycle: { preStop: { sleep: { seconds: 3 } } } })],
  topologySpreadConstraints: spreadOverNodes('web', 'DoNotSchedule'),
});

const service = (name: string, spec: Record<string, unknown>) => JSON.stringify({
  apiVersion: 'v1', kind: 'Service', metadata: { name },
  spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }], ...spec },
});

const client = (node: string) => clientPod(`client-${node}`, node, { labels: { app: 'client' }, grace: 0 });

interface ServiceLike { spec: { clusterIP: string; ports: { port: number; nodePort?: number }[]; healthCheckNodePort?: number }; status?: { loadBalancer?: { ingress?: { ip: string }[] } } }
interface PodLike { metadata: { name: string; deletionTimestamp?: string }; spec: { nodeName: string }; status?: { conditions?: { type: string; status: string }[] } }

for (const [mode, view] of Object.entries(MODES)) describe(`Service networking: kube-proxy (${mode}) and ServiceLB on 3 nodes`, () => {
  let c: NetnsCluster;
  let nodeIPs: string[];
  const svc = async (name: string) => JSON.parse(await c.k(['get', 'service', name, '-o', 'json'])) as ServiceLike;
  /** Runs a shell script in a client pod; returns stdout lines. */
  const inPod = async (pod: string, script: string) => (await c.k(['exec', pod, '--', 'sh', '-c', script])).split('\n').filter(Boolean);
  /** `count` fetches of `url` from a pod, one line each (the page, or FAIL). */
  const fetches = (pod: string, url: string, count: number) =>
    inPod(pod, `for i in $(seq ${count}); do timeout 3 wget -qO- ${url} || echo FAIL; done`);
  /** An HTTP GET from the LAN namespace (outside every node). */
  const fromLan = async (url: string) => {
    const r = await run('nsenter', [`--net=${c.lanNetnsPath}`, '--', 'curl', '-s', '-m', '3', '-w', '\n%{http_code}', url]);
    const lines = r.stdout.split('\n');
    return { code: r.code, status: lines.at(-1), body: lines.slice(0, -1).join('\n') };
  };
  const readyWeb = async () => {
    const items = (JSON.parse(await c.k(['get', 'pods', '-l', 'app=web', '-o', 'json'])) as { items: PodLike[] }).items;
    return items.filter(p => !p.metadata.deletionTimestamp && p.status?.conditions?.some(x => x.type === 'Ready' && x.status === 'True'));
  };

  before(async () => {
    c = await NetnsCluster.start({ agents: 2, nodeArgs: ['--proxy-mode', mode] });
    nodeIPs = c.nodes.map(n => n.ip).sort();
    // A real node has a default route; here it leads to the LAN namespace, which forwards nothing.
    // Without one, traffic to a ClusterIP with no endpoint would fail routing before our REJECT.
    for (const n of NODES) c.inNode(n, 'ip', ['route', 'add', 'default', 'via', '10.99.0.1']);
    await c.k(['apply', '-f', '-'], [WEB, ...NODES.map(client)].join('\n---\n'));
    await c.k(['create', '-f', '-'], service('web', {}));
    await c.k(['create', '-f', '-'], service('sticky', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 300 } } }));
    await c.k(['create', '-f', '-'], service('empty', { selector: { app: 'nothing' } }));
    await c.k(['create', '-f', '-'], service('web-np', { type: 'NodePort' }));
    await eventually(async () => (await readyWeb()).length === 3, 120_000, 'three ready web pods');
    await eventually(async () => {
      const out = await c.k(['get', 'pods', '-l', 'app=client', '-o', 'jsonpath={.items[*].status.phase}']);
      return out.split(' ').filter(p => p === 'Running').length === 3;
    }, 60_000, 'three running client pods');
  });

  after(async () => {
    if (!c) return;
    try {
      // Stopped agents leave their rules (pods keep their Services); cleanup removes every chain.
      for (const n of [...NODES].reverse()) await c.stopNode(n);
      for (const n of NODES) {
        assert.ok(view.holdsRules(c, n), `rules kept on ${n} after stop`);
        view.cleanup(c, n);
        assert.equal(view.leftovers(c, n), '', `kube-proxy rules left on ${n}`);
      }
    } finally {
      await c.destroy();
    }
  });

  test('a ClusterIP answers from pods on every node, balanced over all backends, and a pod reaches itself', async () => {
    const { spec } = await svc('web');
    const backends = (await readyWeb()).map(p => p.metadata.name).sort();
    assert.deepEqual([...new Set((await readyWeb()).map(p => p.spec.nodeName))].sort(), [...NODES].sort());
    for (const n of NODES) {
      // Each node's proxy learns the last endpoint within its sync interval: wait for that, never a failure.
      const pages = await eventually(async () => {
        const got = await fetches(`client-${n}`, `http://${spec.clusterIP}/`, 30);
        return (got.includes('FAIL') || JSON.stringify([...new Set(got)].sort()) === JSON.stringify(backends)) && got;
      }, 20_000, `every backend answering from ${n}`);
      assert.equal(pages.length, 30);
      assert.ok(!pages.includes('FAIL'), `failures from ${n}: ${pages.join(',')}\n${c.logTail(n)}`);
    }
    // Hairpin: a backend reaching its own Service gets itself sometimes, with the reply masqueraded.
    const self = backends[0];
    const pages = await fetches(self, `http://${spec.clusterIP}/`, 30);
    assert.ok(pages.includes(self) && !pages.includes('FAIL'), pages.join(','));
  });

  test('sessionAffinity ClientIP: each client sticks to one backend', async () => {
    const { spec } = await svc('sticky');
    for (const n of NODES) {
      const pages = await fetches(`client-${n}`, `http://${spec.clusterIP}/`, 10);
      assert.equal(new Set(pages).size, 1, `from ${n}: ${pages.join(',')}`);
      assert.notEqual(pages[0], 'FAIL');
    }
  });

  test('a Service without endpoints is refused at once (no hanging connect)', async () => {
    const { spec } = await svc('empty');
    for (const n of NODES) {
      const out = await inPod(`client-${n}`, `timeout 3 nc ${spec.clusterIP} 80 </dev/null 2>&1; echo rc=$?`);
      assert.match(out.join('\n'), /Connection refused/, `from ${n}`);
      assert.equal(out.at(-1), 'rc=1', 'nc itself failed (not killed by timeout)');
    }
  });

  test('a NodePort answers on every node\'s IP from the LAN namespace, by all backends', async () => {
    const nodePort = (await svc('web-np')).spec.ports[0].nodePort!;
    assert.ok(nodePort >= 30000 && nodePort <= 32767);
    const seen = new Set<string>();
    for (const ip of nodeIPs) {
      for (let i = 0; i < 8; i++) {
        const r = await fromLan(`http://${ip}:${nodePort}/`);
        assert.equal(r.status, '200', `${ip}:${nodePort} → ${r.code} ${r.body}`);
        seen.add(r.body.trim());
      }
    }
    assert.equal(seen.size, 3, [...seen].join(','));
    // kube-proxy's own health endpoint answers on every node too.
    for (const ip of nodeIPs) {
      const h = await fromLan(`http://${ip}:10256/healthz`);
      assert.equal(h.status, '200', `${ip}:10256 → ${h.body}`);
      assert.equal(JSON.parse(h.body).nodeEligible, true);
    }
  });

  test('LoadBalancer: ingress is every node\'s IP and answers there; a second Service on the same port stays pending with an Event', async () => {
    await c.k(['create', '-f', '-'], service('lb1', { type: 'LoadBalancer', ports: [{ port: 8081, targetPort: 'http' }] }));
    const lb1 = await eventually(async () => {
      const s = await svc('lb1');
      return JSON.stringify((s.status?.loadBalancer?.ingress ?? []).map(i => i.ip)) === JSON.stringify(nodeIPs) ? s : undefined;
    }, 30_000, 'lb1 ingress = node IPs');
    for (const { ip } of lb1.status!.loadBalancer!.ingress!) {
      const r = await eventually(async () => {
        const x = await fromLan(`http://${ip}:8081/`);
        return x.status === '200' ? x : undefined;
      }, 10_000, `lb1 on ${ip}:8081`);
      assert.match(r.body, /^web-/);
    }
    await c.k(['create', '-f', '-'], service('lb2', { type: 'LoadBalancer', ports: [{ port: 8081, targetPort: 'http' }] }));
    const event = await eventually(async () => {
      const events = JSON.parse(await c.k(['get', 'events', '--field-selector', 'involvedObject.name=lb2', '-o', 'json'])) as { items: { type: string; reason: string; message: string }[] };
      return events.items.find(e => e.reason === 'PortAlreadyAllocated');
    }, 20_000, 'the PortAlreadyAllocated event on lb2');
    assert.equal(event.type, 'Warning');
    assert.equal(event.message, 'port 8081/TCP is already used by LoadBalancer Service default/lb1 on every node');
    assert.deepEqual((await svc('lb2')).status?.loadBalancer?.ingress ?? [], []);
    // The port freed, the pending Service is served.
    await c.k(['delete', 'service', 'lb1']);
    await eventually(async () => ((await svc('lb2')).status?.loadBalancer?.ingress ?? []).length === 3, 20_000, 'lb2 served after lb1 is gone');
    await eventually(async () => (await fromLan(`http://${nodeIPs[0]}:8081/`)).status === '200', 30_000, 'lb2 answering');
  });

  test('loadBalancerSourceRanges: the load balancer IPs answer only clients in the ranges; the NodePort stays open', async () => {
    await c.k(['create', '-f', '-'], service('lb-fw', { type: 'LoadBalancer', ports: [{ port: 8083, targetPort: 'http' }], loadBalancerSourceRanges: ['10.99.0.1/32'] }));
    await eventually(async () => ((await svc('lb-fw')).status?.loadBalancer?.ingress ?? []).length === 3, 20_000, 'lb-fw ingress');
    // The LAN namespace is 10.99.0.1: allowed.
    for (const ip of nodeIPs) await eventually(async () => (await fromLan(`http://${ip}:8083/`)).status === '200', 30_000, `lb-fw on ${ip} from the LAN`);
    await c.k(['patch', 'service', 'lb-fw', '--type', 'merge', '-p', JSON.stringify({ spec: { loadBalancerSourceRanges: ['192.0.2.0/24'] } })]);
    for (const ip of nodeIPs) await eventually(async () => (await fromLan(`http://${ip}:8083/`)).status === '000', 30_000, `lb-fw on ${ip} closed to the LAN`);
    // Only the load balancer IPs are firewalled, as upstream: the Service's NodePort still answers.
    const nodePort = (await svc('lb-fw')).spec.ports[0].nodePort!;
    assert.equal((await fromLan(`http://${nodeIPs[0]}:${nodePort}/`)).status, '200');
    // Bad ranges are refused by the API with upstream's message.
    const bad = await c.kubectl(['patch', 'service', 'lb-fw', '--type', 'merge', '-p', JSON.stringify({ spec: { loadBalancerSourceRanges: ['10.0.0.0/33'] } })]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /spec\.LoadBalancerSourceRanges: Invalid value: "\[10\.0\.0\.0\/33\]": must be a list of IP ranges\. For example, 10\.240\.0\.0\/24,10\.250\.0\.0\/24/);
    await c.k(['delete', 'service', 'lb-fw']);
  });

  test('an agent restart keeps its Services answering and takes over its rules: stale chains go, no duplicate jumps', async () => {
    const { spec } = await svc('web');
    const sticky = await svc('sticky');
    const fromNode = (ip: string) => run('nsenter', [`--net=${c.node('agent-1').netns.path}`, '--', 'curl', '-s', '-m', '3', `http://${ip}/`]);
    await c.stopNode('agent-1');
    // While the agent is down its rules stay: the node itself still reaches the ClusterIP.
    assert.match((await fromNode(spec.clusterIP)).stdout, /^web-/);
    // A Service deleted meanwhile leaves chains that the restarted proxy must remove.
    await c.k(['delete', 'service', 'sticky']);
    assert.ok(view.routes(c, 'agent-1', sticky.spec.clusterIP), 'the stopped proxy left the deleted Service\'s rules');
    await c.restartAgent('agent-1');
    assert.ok(!view.routes(c, 'agent-1', sticky.spec.clusterIP), 'the restarted proxy removed them');
    if (mode === 'iptables') {
      const nat = c.inNode('agent-1', 'iptables-save', ['-t', 'nat']);
      assert.equal(nat.split('\n').filter(l => l.startsWith('-A PREROUTING') && l.includes('-j KUBE-SERVICES')).length, 1, nat);
      assert.equal(c.inNode('agent-1', 'iptables-save', ['-t', 'filter']).split('\n').filter(l => l.startsWith('-A FORWARD') && l.includes('-j KUBE-FORWARD')).length, 1);
    }
    assert.match((await fromNode(spec.clusterIP)).stdout, /^web-/);
    assert.notEqual((await fromNode(sticky.spec.clusterIP)).code, 0, 'the deleted Service no longer answers');
  });

  test('scale-down loses no request; then externalTrafficPolicy Local health checks tell nodes with the backend from those without', async () => {
    await c.k(['create', '-f', '-'], service('lb-local', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 8082, targetPort: 'http' }] }));
    const { spec } = await svc('web');
    // Requests run on every node for the whole scale-down and until the endpoints settle.
    const loops = NODES.map(n => inPod(`client-${n}`, `for i in $(seq 120); do timeout 3 wget -qO- http://${spec.clusterIP}/ || echo FAIL; sleep 0.1; done`));
    await c.k(['scale', 'deployment', 'web', '--replicas', '1']);
    const results = await Promise.all(loops);
    await eventually(async () => {
      const slices = JSON.parse(await c.k(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', 'json'])) as { items: { endpoints?: unknown[] }[] };
      return slices.items.flatMap(s => s.endpoints ?? []).length === 1;
    }, 30_000, 'one endpoint left');
    for (const [i, pages] of results.entries()) assert.deepEqual(pages.filter(p => p === 'FAIL'), [], `failed requests from ${NODES[i]}`);
    const [survivor] = await readyWeb();
    for (const n of NODES) assert.deepEqual([...new Set(await fetches(`client-${n}`, `http://${spec.clusterIP}/`, 10))], [survivor.metadata.name], `after settling, from ${n}`);

    const local = await svc('lb-local');
    const hc = local.spec.healthCheckNodePort!;
    assert.ok(hc >= 30000 && hc <= 32767, `healthCheckNodePort ${hc}`);
    for (const n of c.nodes) {
      const has = n.name === survivor.spec.nodeName;
      const r = await eventually(async () => {
        const x = await fromLan(`http://${n.ip}:${hc}/`);
        return x.status === (has ? '200' : '503') ? x : undefined;
      }, 10_000, `health check on ${n.name}`);
      assert.deepEqual(JSON.parse(r.body), { service: { namespace: 'default', name: 'lb-local' }, localEndpoints: has ? 1 : 0, serviceProxyHealthy: true });
    }
    // The node with the backend serves the Local-policy LB port itself.
    const r = await fromLan(`http://${c.node(survivor.spec.nodeName).ip}:8082/`);
    assert.equal(r.status, '200');
    assert.equal(r.body.trim(), survivor.metadata.name);
    // Every sync on every node was accepted by the kernel.
    for (const n of NODES) assert.doesNotMatch(c.node(n).log.join(''), /proxy rules sync failed/, n);
  });
});
