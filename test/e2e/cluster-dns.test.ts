// Cluster DNS on three real nodes in network namespaces (support/netns-cluster.ts): every node
// agent serves DNS on its node IP and adds itself to the kube-dns Service; the kubelet writes each
// pod's resolv.conf (ClusterFirst: nameserver 10.43.0.10, the cluster search path, ndots:5), and
// kube-proxy sends the kube-dns cluster IP to the pod's own node (internalTrafficPolicy Local). So
// pods on every node resolve Services by short name, `svc.ns` and FQDN through their resolv.conf,
// and headless and StatefulSet pod names, ExternalName, SRV, PTR and NXDOMAIN by asking their
// node's DNS. Names outside the cluster go to an upstream resolver of the test's own
// in the LAN namespace (the nodes' --resolv-conf names it): no query leaves the test's namespaces.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { PodSpec } from '../../src/api/types/generated.js';
import { BUSYBOX_IMAGE } from '../../src/kubelet/images/builtin.js';
import { REPO_ROOT, eventually } from './harness.js';
import { NetnsCluster, leftoversOf } from './support/netns-cluster.js';
import { clientPod, deployment, execInPod } from './support/pods.js';

const UPSTREAM_IP = '10.99.0.1';
const UPSTREAM_ANSWER = '192.0.2.10';
const NODES = ['server', 'agent-1', 'agent-2'];

const APPS = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
${deployment('web', 2, {
  terminationGracePeriodSeconds: 1,
  containers: [{ name: 'httpd', image: BUSYBOX_IMAGE, command: ['httpd', '-f', '-p', '8080'], ports: [{ name: 'http', containerPort: 8080 }] }],
}, 'shop')}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: shop}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{name: sql, port: 5432}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  serviceName: db
  replicas: 2
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - {name: db, image: ${BUSYBOX_IMAGE}, command: [sleep, '3600']}
---
apiVersion: v1
kind: Service
metadata: {name: ext, namespace: shop}
spec: {type: ExternalName, externalName: api.example.test}
`;

/** A pod on `node` to ask questions from. */
const client = (node: string, name = `client-${node}`, spec: Partial<PodSpec> = {}) => clientPod(name, node, { namespace: 'shop', spec });

interface PodLike { metadata: { name: string }; spec: { nodeName?: string }; status?: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] } }
interface SliceLike { metadata: { name: string; ownerReferences?: { kind: string; name: string }[] }; endpoints: { addresses: string[]; nodeName?: string; conditions?: { ready?: boolean } }[]; ports: { name: string; port: number; protocol: string }[] }

describe('cluster DNS on every node', { timeout: 600_000 }, () => {
  let c: NetnsCluster;
  let dir: string;
  let upstream: ChildProcess | undefined;
  const asked: string[] = [];

  const exec = async (node: string, cmd: string[]) => {
    const r = await execInPod(c, `client-${node}`, cmd, 'shop');
    return r.stdout + r.stderr;
  };
  /** busybox nslookup against the node's DNS (no search path; an IP is looked up by PTR). */
  const nslookup = (node: string, name: string, type?: string) => exec(node, ['nslookup', ...(type ? [`-type=${type}`] : []), name, c.node(node).ip]);
  /** The address the pod's libc resolver (resolv.conf: search path, ndots) finds for a name: ping prints it. */
  const resolved = async (node: string, name: string) => (await exec(node, ['ping', '-c', '1', '-W', '1', name])).match(/^PING \S+ \(([^)]+)\)/m)?.[1];
  const pods = async (selector: string) => (JSON.parse(await c.k(['get', 'pods', '-n', 'shop', '-l', selector, '-o', 'json'])) as { items: PodLike[] }).items;
  const running = (p: PodLike) => p.status?.phase === 'Running' && p.status.podIP;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'k8ts-dns-e2e-'));
    const resolvConf = join(dir, 'resolv.conf');
    writeFileSync(resolvConf, `nameserver ${UPSTREAM_IP}\nsearch corp.test\n`);
    c = await NetnsCluster.start({ agents: 2, nodeArgs: ['--resolv-conf', resolvConf] });
    upstream = spawn('nsenter', [`--net=${c.lanNetns.path}`, '--', process.execPath, join(REPO_ROOT, 'dist', 'test', 'e2e', 'support', 'upstream-dns-main.js'), UPSTREAM_IP], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      upstream!.stdout!.on('data', d => {
        for (const line of String(d).split('\n')) {
          if (line === 'listening') resolve();
          else if (line.startsWith('asked ')) asked.push(line.slice(6));
        }
      });
      upstream!.once('exit', code => reject(new Error(`upstream DNS exited with ${code}`)));
    });
    await c.k(['apply', '-f', '-'], APPS);
    for (const n of NODES) await c.k(['apply', '-f', '-'], client(n));
    await c.k(['apply', '-f', '-'], client('agent-1', 'uses-node-dns', { dnsPolicy: 'Default' }));
    await c.k(['apply', '-f', '-'], client('agent-1', 'custom-dns', {
      dnsPolicy: 'None', dnsConfig: { nameservers: ['192.0.2.53'], searches: ['a.example', 'b.example'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] },
    }));
    await eventually(async () => {
      const all = [...await pods('app=web'), ...await pods('app=db'), ...(await Promise.all(NODES.map(async n => JSON.parse(await c.k(['get', 'pod', '-n', 'shop', `client-${n}`, '-o', 'json'])) as PodLike)))];
      const extra = await Promise.all(['uses-node-dns', 'custom-dns'].map(async p => JSON.parse(await c.k(['get', 'pod', '-n', 'shop', p, '-o', 'json'])) as PodLike));
      return all.length === 7 && [...all, ...extra].every(running);
    }, 180_000, 'web, db and client pods running');
  });

  after(async () => {
    if (upstream && upstream.exitCode === null) {
      const exited = new Promise(r => upstream!.once('exit', r));
      upstream.kill('SIGTERM');
      await exited;
    }
    if (c) {
      await c.destroy();
      assert.deepEqual(leftoversOf(c), []);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('kube-dns: cluster IP 10.43.0.10, no selector, node-local traffic; each node adds its own ready endpoint', async () => {
    const svc = JSON.parse(await c.k(['get', 'service', '-n', 'kube-system', 'kube-dns', '-o', 'json']));
    assert.equal(svc.spec.clusterIP, '10.43.0.10');
    assert.equal(svc.spec.selector, undefined);
    assert.equal(svc.spec.internalTrafficPolicy, 'Local');
    assert.equal(svc.metadata.labels['k8s-app'], 'kube-dns');
    assert.deepEqual(svc.spec.ports.map((p: { name: string; port: number; protocol: string }) => `${p.name}/${p.port}/${p.protocol}`), ['dns/53/UDP', 'dns-tcp/53/TCP']);
    const slices = await eventually(async () => {
      const items = (JSON.parse(await c.k(['get', 'endpointslices', '-n', 'kube-system', '-l', 'kubernetes.io/service-name=kube-dns', '-o', 'json'])) as { items: SliceLike[] }).items;
      return items.length === 3 && items.every(s => s.endpoints[0]?.conditions?.ready) ? items : undefined;
    }, 30_000, 'three ready kube-dns endpoint slices');
    for (const name of NODES) {
      const s = slices.find(x => x.metadata.name === `kube-dns-${name}`);
      assert.ok(s, `slice of ${name}`);
      assert.deepEqual(s.endpoints.map(e => [e.addresses, e.nodeName]), [[[c.node(name).ip], name]]);
      assert.deepEqual(s.metadata.ownerReferences?.map(o => `${o.kind}/${o.name}`), [`Node/${name}`]);
      assert.deepEqual(s.ports.map(p => `${p.name}/${p.port}/${p.protocol}`).sort(), ['dns-tcp/53/TCP', 'dns/53/UDP']);
    }
  });

  test('resolv.conf: ClusterFirst pods get the kube-dns cluster IP, the cluster search path then the node\'s, ndots:5; Default the node\'s file; None the pod\'s dnsConfig', async () => {
    for (const n of NODES) {
      const conf = await exec(n, ['cat', '/etc/resolv.conf']);
      assert.match(conf, /^nameserver 10\.43\.0\.10$/m, conf);
      assert.match(conf, /^search shop\.svc\.cluster\.local svc\.cluster\.local cluster\.local corp\.test$/m, conf);
      assert.match(conf, /^options ndots:5$/m, conf);
    }
    const cat = async (pod: string) => (await execInPod(c, pod, ['cat', '/etc/resolv.conf'], 'shop')).stdout;
    // Default: the node's --resolv-conf; None: the pod's dnsConfig alone.
    const node = await cat('uses-node-dns');
    assert.match(node, /^nameserver 10\.99\.0\.1$/m, node);
    assert.match(node, /^search corp\.test$/m, node);
    const custom = await cat('custom-dns');
    assert.match(custom, /^nameserver 192\.0\.2\.53$/m, custom);
    assert.match(custom, /^search a\.example b\.example$/m, custom);
    assert.match(custom, /^options ndots:2 edns0$/m, custom);
    assert.doesNotMatch(custom, /cluster\.local|10\.99/, custom);
  });

  test('Services by short name, svc.ns and FQDN from pods on every node', async () => {
    const ip = (await c.k(['get', 'service', '-n', 'shop', 'web', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    for (const n of NODES) {
      for (const name of ['web', 'web.shop', 'web.shop.svc', 'web.shop.svc.cluster.local']) {
        assert.equal(await resolved(n, name), ip, `${name} from ${n}`);
      }
      const out = await nslookup(n, 'web.shop.svc.cluster.local', 'a');
      assert.match(out, new RegExp(`Name:\\s+web\\.shop\\.svc\\.cluster\\.local\\s+Address: ${ip.replaceAll('.', '\\.')}`), out);
    }
  });

  test('headless Service: every ready pod; StatefulSet pods by name; SRV; PTR', async () => {
    const db = await pods('app=db');
    const byName = Object.fromEntries(db.map(p => [p.metadata.name, p.status!.podIP!]));
    const webIP = (await c.k(['get', 'service', '-n', 'shop', 'web', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    for (const n of NODES) {
      const all = await nslookup(n, 'db.shop.svc.cluster.local', 'a');
      for (const ip of Object.values(byName)) assert.match(all, new RegExp(`Address: ${ip.replaceAll('.', '\\.')}$`, 'm'), all);
      for (const [pod, ip] of Object.entries(byName)) assert.equal(await resolved(n, `${pod}.db`), ip, `${pod}.db from ${n}`);
      const srv = await nslookup(n, '_sql._tcp.db.shop.svc.cluster.local', 'srv');
      for (const pod of Object.keys(byName)) assert.match(srv, new RegExp(`service = 0 50 5432 ${pod}\\.db\\.shop\\.svc\\.cluster\\.local`), srv);
      const webSrv = await nslookup(n, '_http._tcp.web.shop.svc.cluster.local', 'srv');
      assert.match(webSrv, /service = 0 100 80 web\.shop\.svc\.cluster\.local/, webSrv);
      const ptr = await nslookup(n, webIP);
      assert.match(ptr, /name = web\.shop\.svc\.cluster\.local/, ptr);
      const podPtr = await nslookup(n, byName['db-0']);
      assert.match(podPtr, /name = db-0\.db\.shop\.svc\.cluster\.local/, podPtr);
    }
  });

  test('pod A records, ExternalName, NXDOMAIN, and other names forwarded upstream once per node', async () => {
    const web = (await pods('app=web'))[0].status!.podIP!;
    for (const n of NODES) {
      assert.equal(await resolved(n, `${web.replaceAll('.', '-')}.shop.pod.cluster.local`), web);
      const ext = await nslookup(n, 'ext.shop.svc.cluster.local', 'a');
      assert.match(ext, /canonical name = api\.example\.test/, ext);
      assert.match(ext, new RegExp(`Address: ${UPSTREAM_ANSWER.replaceAll('.', '\\.')}$`, 'm'), ext);
      const nx = await nslookup(n, 'nope.shop.svc.cluster.local', 'a');
      assert.match(nx, /can't find nope\.shop\.svc\.cluster\.local: NXDOMAIN/, nx);
      assert.equal(await resolved(n, 'nope'), undefined);
      assert.equal(await resolved(n, 'www.example.test'), UPSTREAM_ANSWER);
    }
    const first = asked.filter(q => q === 'A www.example.test').length;
    assert.ok(first >= 1 && first <= NODES.length, asked.join('\n'));
    // Asked again from every node: answered from each node's cache (300 s TTL, kept up to 30 s).
    for (const n of NODES) assert.equal(await resolved(n, 'www.example.test'), UPSTREAM_ANSWER);
    assert.equal(asked.filter(q => q === 'A www.example.test').length, first, asked.join('\n'));
    // Every node's DNS counted those queries in CoreDNS's metrics.
    for (const n of c.nodes) {
      const metrics = c.inNode(n.name, 'curl', ['-s', '-m', '3', `http://${n.ip}:9153/metrics`]);
      // Label order is the exposition library's; look for a series carrying all three labels.
      const requests = metrics.split('\n').filter(l => l.startsWith('coredns_dns_requests_total{') && / [1-9]\d*$/.test(l));
      assert.ok(requests.some(l => ['proto="udp"', `server="dns://${n.ip}:53"`, 'type="A"'].every(label => l.includes(label))), metrics);
      assert.match(metrics, /^coredns_dns_responses_total\{[^}]*rcode="NXDOMAIN"[^}]*\} [1-9]/m);
      assert.match(metrics, /^coredns_dns_request_duration_seconds_count\{/m);
    }
  });

  test('a stopped agent marks its DNS endpoint not ready; deleting its Node removes the endpoint (garbage collector)', async () => {
    const slice = async () => {
      const r = await c.kubectl(['get', 'endpointslice', '-n', 'kube-system', 'kube-dns-agent-2', '-o', 'json']);
      return r.code === 0 ? JSON.parse(r.stdout) as SliceLike : /NotFound/.test(r.stderr) ? null : undefined;
    };
    await c.stopNode('agent-2');
    await eventually(async () => (await slice())?.endpoints[0].conditions?.ready === false, 20_000, 'agent-2 DNS endpoint not ready');
    await c.k(['delete', 'node', 'agent-2']);
    await eventually(async () => (await slice()) === null, 60_000, 'agent-2 DNS endpoint deleted with its Node');
    // The other nodes' endpoints are untouched.
    const left = (JSON.parse(await c.k(['get', 'endpointslices', '-n', 'kube-system', '-l', 'kubernetes.io/service-name=kube-dns', '-o', 'json'])) as { items: SliceLike[] }).items;
    assert.deepEqual(left.map(s => s.metadata.name).sort(), ['kube-dns-agent-1', 'kube-dns-server']);
  });
});
