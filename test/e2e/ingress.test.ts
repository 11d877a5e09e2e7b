// The built-in ingress controller on a three-node cluster in network namespaces
// (support/netns-cluster.ts), reached from the LAN namespace — outside every node — on each node's
// IP: routing by Host header and path, the default backend, 404 and 503, TLS certificates chosen by
// SNI from a Secret, the forwarding headers and a WebSocket relayed to a backend outside the
// cluster (a Service without selector and a hand-made EndpointSlice), Ingresses of another class
// left alone, status.loadBalancer, Warning Events for what an Ingress names but does not exist, and
// an agent restarted with --disable-ingress.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { eventually, run } from './harness.js';
import { createCA, issueCertificate, type PemPair } from '../../src/pki/certificates.js';
import { NetnsCluster, leftoversOf } from './support/netns-cluster.js';
import { deployment, httpdContainer, spreadOverNodes } from './support/pods.js';
import type { Probe, ProbeResult } from './support/http-probe.js';

const SUPPORT = join(dirname(fileURLToPath(import.meta.url)), 'support');
const ECHO_PORT = 9000;

/** A Deployment whose pods answer every path used below with "APP HOSTNAME" (files, not directories: busybox httpd redirects those). */
const app = (name: string, replicas: number) => `${deployment(name, replicas, {
  terminationGracePeriodSeconds: 1,
  containers: [httpdContainer(`mkdir -p /www/api && for f in index.html api/v1 apiv2 only; do echo "${name} $(hostname)" > /www/$f; done`, { ports: [{ name: 'http', containerPort: 8080 }] })],
  topologySpreadConstraints: spreadOverNodes(name, 'ScheduleAnyway'),
})}
---
apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec:
  selector: {app: ${name}}
  ports: [{name: http, port: 80, targetPort: http}]
`;

const path = (p: string, svc: string, port: string, type = 'Prefix') => `{path: ${p}, pathType: ${type}, backend: {service: {name: ${svc}, port: {${port}}}}}`;

const INGRESSES = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: site}
spec:
  tls: [{hosts: [secure.test], secretName: secure-tls}]
  rules:
  - host: web.test
    http: {paths: [${path('/api', 'api', 'name: http')}, ${path('/', 'web', 'number: 80')}]}
  - host: "*.wild.test"
    http: {paths: [${path('/', 'api', 'name: http')}]}
  - host: secure.test
    http: {paths: [${path('/', 'web', 'number: 80')}]}
  - host: ws.test
    http: {paths: [${path('/', 'echo', 'number: 80')}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: catch-all}
spec:
  defaultBackend: {service: {name: api, port: {number: 80}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: exact-only}
spec:
  rules:
  - host: exact.test
    http: {paths: [${path('/only', 'web', 'number: 80', 'Exact')}, ${path('/idle', 'idle', 'number: 80')}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: other-class}
spec:
  ingressClassName: nginx
  rules:
  - host: other.test
    http: {paths: [${path('/', 'web', 'number: 80')}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: broken}
spec:
  tls: [{hosts: [broken.test], secretName: no-such-secret}]
  rules:
  - host: broken.test
    http: {paths: [${path('/', 'no-such-service', 'number: 80')}]}
---
apiVersion: v1
kind: Service
metadata: {name: idle}
spec:
  selector: {app: nothing-runs-this}
  ports: [{port: 80, targetPort: 8080}]
`;

/** A Service without selector whose one endpoint is the echo backend in the LAN namespace. */
const echoService = (ip: string) => `apiVersion: v1
kind: Service
metadata: {name: echo}
spec:
  ports: [{port: 80, targetPort: ${ECHO_PORT}}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: echo-lan
  labels: {kubernetes.io/service-name: echo, endpointslice.kubernetes.io/managed-by: e2e-test}
addressType: IPv4
ports: [{name: "", port: ${ECHO_PORT}, protocol: TCP}]
endpoints: [{addresses: ["${ip}"], conditions: {ready: true}}]
`;

interface IngressLike {
  metadata: { name: string };
  spec: { ingressClassName?: string };
  status?: { loadBalancer?: { ingress?: { ip: string }[] } };
}

describe('built-in ingress controller', () => {
  let c: NetnsCluster;
  let dir: string;
  let ca: PemPair;
  let echo: ChildProcess | undefined;
  let nodeIPs: string[];

  /** Requests from the LAN namespace. */
  const probe = async (probes: Probe[]): Promise<ProbeResult[]> => {
    const r = await run('nsenter', [`--net=${c.lanNetns.path}`, '--', process.execPath, join(SUPPORT, 'http-probe.js'), JSON.stringify(probes)]);
    if (r.code !== 0) throw new Error(`probe failed (${r.code}): ${r.stderr}`);
    return JSON.parse(r.stdout) as ProbeResult[];
  };
  const get = async (ip: string, host: string, p = '/') => (await probe([{ url: `http://${ip}${p}`, headers: { Host: host } }]))[0];
  const ingress = async (name: string) => JSON.parse(await c.k(['get', 'ingress', name, '-o', 'json'])) as IngressLike;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'k8ts-ingress-e2e-'));
    ca = await createCA('ingress e2e CA');
    const leaf = await issueCertificate(ca, { commonName: 'secure.test', dnsNames: ['secure.test'], usage: 'server' });
    writeFileSync(join(dir, 'tls.crt'), leaf.cert);
    writeFileSync(join(dir, 'tls.key'), leaf.key);
    c = await NetnsCluster.start({ agents: 2 });
    nodeIPs = c.nodes.map(n => n.ip).sort();
    echo = spawn('nsenter', [`--net=${c.lanNetns.path}`, '--', process.execPath, join(SUPPORT, 'echo-backend.js'), c.lanAddress, String(ECHO_PORT)], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      echo!.stdout!.once('data', () => resolve());
      echo!.once('exit', code => reject(new Error(`echo backend exited with ${code}`)));
    });
    await c.k(['apply', '-f', '-'], app('web', 2) + '---\n' + app('api', 1) + '---\n' + echoService(c.lanAddress));
    await c.k(['create', 'secret', 'tls', 'secure-tls', '--cert', join(dir, 'tls.crt'), '--key', join(dir, 'tls.key')]);
    await c.k(['apply', '-f', '-'], INGRESSES);
    await c.k(['rollout', 'status', 'deployment/web', 'deployment/api', '--timeout=120s']);
  });

  after(async () => {
    if (echo && echo.exitCode === null) {
      const exited = new Promise(r => echo!.once('exit', r));
      echo.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
    if (!c) return;
    await c.destroy();
    assert.deepEqual(leftoversOf(c), []);
  });

  test('the IngressClass k8ts exists as the default, and a classless Ingress is given it', async () => {
    const cls = JSON.parse(await c.k(['get', 'ingressclass', 'k8ts', '-o', 'json'])) as { metadata: { annotations: Record<string, string> }; spec: { controller: string } };
    assert.equal(cls.spec.controller, 'k8ts.io/ingress');
    assert.equal(cls.metadata.annotations['ingressclass.kubernetes.io/is-default-class'], 'true');
    assert.equal((await ingress('site')).spec.ingressClassName, 'k8ts');
    assert.equal((await ingress('other-class')).spec.ingressClassName, 'nginx');
  });

  test('every node routes by Host header and path, element-wise, to the pods of each Service', async () => {
    for (const ip of nodeIPs) {
      await eventually(async () => (await get(ip, 'web.test')).body?.startsWith('web '), 60_000, `web.test on ${ip}`);
      assert.match((await get(ip, 'web.test', '/api/v1')).body!, /^api /);
      assert.match((await get(ip, 'web.test', '/apiv2')).body!, /^web /, '/api does not cover /apiv2');
      assert.match((await get(ip, 'a.wild.test')).body!, /^api /);
      assert.match((await get(ip, 'exact.test', '/only')).body!, /^web /);
    }
  });

  test('requests to one Service take turns over its ready pods, on one kept-alive client connection', async () => {
    const answers = await probe(Array.from({ length: 6 }, () => ({ url: `http://${nodeIPs[1]}/`, headers: { Host: 'web.test' } })));
    const pods = new Set(answers.map(a => a.body!.trim()));
    assert.equal(pods.size, 2, [...pods].join(', '));
    assert.deepEqual(answers.map(a => a.reused), [false, true, true, true, true, true]);
  });

  test('unknown hosts get the default backend; a known host with no matching path is 404', async () => {
    assert.match((await get(nodeIPs[0], 'nobody.test')).body!, /^api /);
    assert.match((await get(nodeIPs[0], 'x.y.wild.test')).body!, /^api /, 'a wildcard covers one label only');
    const miss = await get(nodeIPs[0], 'exact.test', '/only/more');
    assert.equal(miss.status, 404);
    assert.match(miss.body!, /no Ingress rule matches host "exact.test"/);
  });

  test('a Service without ready endpoints answers 503, saying so', async () => {
    const r = await get(nodeIPs[2], 'exact.test', '/idle');
    assert.equal(r.status, 503);
    assert.equal(r.body, '503 Service Unavailable: no ready endpoints for service default/idle port 80\n');
  });

  test('an Ingress of another class is left alone: its host falls to the default backend, its status is not set', async () => {
    assert.match((await get(nodeIPs[0], 'other.test')).body!, /^api /);
    assert.equal((await ingress('other-class')).status?.loadBalancer?.ingress, undefined);
  });

  test('TLS: the Secret\'s certificate for its SNI name, verified; a self-signed fallback otherwise', async () => {
    for (const ip of nodeIPs) {
      const [secure, unknown] = await probe([
        { url: `https://${ip}/`, headers: { Host: 'secure.test' }, servername: 'secure.test', ca: ca.cert },
        { url: `https://${ip}/`, headers: { Host: 'web.test' }, servername: 'web.test' },
      ]);
      assert.equal(secure.error, undefined, `https on ${ip}: ${secure.error}`);
      assert.deepEqual(secure.certificate, { subjectCN: 'secure.test', authorized: true });
      assert.match(secure.body!, /^web /);
      assert.equal(unknown.certificate?.subjectCN, 'K8TS Ingress Controller Fake Certificate');
      assert.match(unknown.body!, /^web /);
    }
  });

  test('the backend sees the client\'s Host and the X-Forwarded-* headers, over HTTP and HTTPS', async () => {
    const [plain, tls] = await probe([
      { url: `http://${nodeIPs[1]}/hello?x=1`, headers: { Host: 'ws.test', 'X-Forwarded-For': '203.0.113.7' } },
      { url: `https://${nodeIPs[1]}/`, headers: { Host: 'ws.test' }, servername: 'ws.test' },
    ]);
    const seen = JSON.parse(plain.body!) as { url: string; headers: Record<string, string> };
    assert.equal(seen.url, '/hello?x=1');
    assert.equal(seen.headers.host, 'ws.test');
    assert.equal(seen.headers['x-forwarded-for'], `203.0.113.7, ${c.lanAddress}`);
    assert.equal(seen.headers['x-real-ip'], c.lanAddress);
    assert.equal(seen.headers['x-forwarded-proto'], 'http');
    assert.equal(seen.headers['x-forwarded-host'], 'ws.test');
    assert.equal(seen.headers['x-forwarded-port'], '80');
    const seenTls = JSON.parse(tls.body!) as { headers: Record<string, string> };
    assert.equal(seenTls.headers['x-forwarded-proto'], 'https');
    assert.equal(seenTls.headers['x-forwarded-port'], '443');
  });

  test('a WebSocket is relayed to the backend and back', async () => {
    for (const ip of nodeIPs) {
      const [r] = await probe([{ url: `ws://${ip}/chat`, headers: { Host: 'ws.test' }, websocket: 'hello' }]);
      assert.equal(r.body, 'echo hello (host ws.test, proto http)', JSON.stringify(r));
    }
  });

  test('status.loadBalancer lists the InternalIP of every node running the controller', async () => {
    for (const name of ['site', 'catch-all', 'exact-only', 'broken']) {
      await eventually(async () => JSON.stringify((await ingress(name)).status?.loadBalancer?.ingress) === JSON.stringify(nodeIPs.map(ip => ({ ip }))),
        30_000, `status of ${name}`);
    }
    const wide = await c.k(['get', 'ingress', 'site']);
    assert.match(wide, new RegExp(nodeIPs.join(',').replace(/\./g, '\\.')));
  });

  test('a missing Service and Secret are Warning Events; the Ingress answers 503 and the rest keep working', async () => {
    const events = await eventually(async () => {
      const out = await c.k(['get', 'events', '--field-selector', 'involvedObject.name=broken,type=Warning', '-o', 'jsonpath={range .items[*]}{.reason}|{.message}{"\\n"}{end}']);
      return out.includes('ServiceNotFound') && out.includes('SecretNotFound') ? out : undefined;
    }, 30_000, 'Warning events about the broken Ingress');
    assert.match(events, /ServiceNotFound\|service default\/no-such-service not found/);
    assert.match(events, /SecretNotFound\|secret default\/no-such-secret of type kubernetes.io\/tls named in spec.tls not found/);
    const r = await get(nodeIPs[0], 'broken.test');
    assert.equal(r.status, 503);
    assert.equal(r.body, '503 Service Unavailable: service default/no-such-service not found\n');
    const [tls] = await probe([{ url: `https://${nodeIPs[0]}/`, headers: { Host: 'broken.test' }, servername: 'broken.test' }]);
    assert.equal(tls.certificate?.subjectCN, 'K8TS Ingress Controller Fake Certificate');
    assert.match((await get(nodeIPs[0], 'web.test')).body!, /^web /);
  });

  test('an agent restarted with --disable-ingress stops serving and leaves the status', async () => {
    const off = c.node('agent-2');
    await c.stopNode(off.name);
    await c.restartAgent(off.name, ['--disable-ingress']);
    const rest = nodeIPs.filter(ip => ip !== off.ip).map(ip => ({ ip }));
    await eventually(async () => JSON.stringify((await ingress('site')).status?.loadBalancer?.ingress) === JSON.stringify(rest), 30_000, 'status without the disabled node');
    const label = await c.k(['get', 'node', off.name, '-o', 'jsonpath={.metadata.labels.node\\.k8ts\\.io/ingress-controller}']);
    assert.equal(label, 'false');
    assert.equal((await get(off.ip, 'web.test')).error, 'ECONNREFUSED');
    assert.match((await get(rest[0].ip, 'web.test')).body!, /^web /);
  });

  test('a Service scaled to zero answers 503, and serves again when scaled back', async () => {
    await c.k(['scale', 'deployment/api', '--replicas=0']);
    await eventually(async () => (await get(nodeIPs[0], 'web.test', '/api/v1')).status === 503, 60_000, '503 after scale-down');
    await c.k(['scale', 'deployment/api', '--replicas=1']);
    await eventually(async () => (await get(nodeIPs[0], 'web.test', '/api/v1')).body?.startsWith('api '), 60_000, 'api answering again');
    // Those changes rebuilt every route table many times; a problem is still reported once per node.
    // Each node's report is written once; one the server did not take is retried some seconds later.
    const counts = await eventually(async () => {
      const out = await c.k(['get', 'events', '--field-selector', 'involvedObject.name=broken,reason=ServiceNotFound', '-o', 'jsonpath={range .items[*]}{.source.host}={.count}{"\\n"}{end}']);
      const lines = out.trim().split('\n').sort();
      return lines.length >= 3 ? lines : undefined;
    }, 60_000, 'a ServiceNotFound event from every node');
    assert.deepEqual(counts, ['agent-1=1', 'agent-2=1', 'server=1']);
  });
});
