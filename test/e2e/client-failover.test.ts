// Clients fail over between servers: two k8ts servers share one etcd (the test starts it, with TLS)
// and the cluster's credentials (the second joins the first with --server and its server token);
// `k8ts sim-nodes` is given both with --server, and another only the first (it learns the second
// from the kubernetes Endpoints). kubectl through either
// server sees the same objects; the first server is killed (SIGKILL) and the nodes keep renewing
// their Leases and stay Ready through the second.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCA, issueCertificate } from '../../src/pki/certificates.js';
import { EtcdMember, freePort } from '../../src/storage/etcd/member.js';
import { eventually, K8TS_BIN, TestCluster } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-client-failover-'));
let member: EtcdMember | undefined;
const clusters: TestCluster[] = [];
after(async () => {
  for (const c of clusters) await c.stop('SIGTERM', true).catch(() => undefined);
  await member?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function startEtcd(): Promise<string[]> {
  const tls = join(dir, 'etcd-tls');
  mkdirSync(tls, { recursive: true });
  const ca = await createCA('etcd-test-ca');
  const server = await issueCertificate(ca, { commonName: 'etcd', usage: 'both', ipAddresses: ['127.0.0.1'] });
  const client = await issueCertificate(ca, { commonName: 'k8ts', usage: 'client' });
  const f = (name: string, pem: string) => { writeFileSync(join(tls, name), pem); return join(tls, name); };
  const files = { ca: f('ca.crt', ca.cert), cert: f('server.crt', server.cert), key: f('server.key', server.key), clientCert: f('client.crt', client.cert), clientKey: f('client.key', client.key) };
  const endpoint = `https://127.0.0.1:${await freePort()}`;
  member = await EtcdMember.start({
    name: 'failover', dataDir: join(dir, 'etcd'), logFile: join(dir, 'etcd.log'),
    clientUrls: [endpoint], peerUrls: [`https://127.0.0.1:${await freePort()}`],
    tls: { caFile: files.ca, certFile: files.cert, keyFile: files.key },
  }, { ca: Buffer.from(ca.cert), cert: Buffer.from(client.cert), key: Buffer.from(client.key) });
  return ['--datastore', 'etcd', '--etcd-servers', endpoint, '--etcd-cafile', files.ca, '--etcd-certfile', files.clientCert, '--etcd-keyfile', files.clientKey];
}

interface Lease { metadata: { name: string }; spec: { renewTime: string } }

test('sim-nodes given two servers, or one and learning the other, keep their Leases renewing and stay Ready when one is killed', { timeout: 170_000 }, async () => {
  const etcdArgs = await startEtcd();
  const a = await TestCluster.start({ dataDir: join(dir, 'a'), extraArgs: etcdArgs });
  clusters.push(a);
  // The second server joins the first: it receives the same CA, service-account key and join token.
  const b = await TestCluster.start({ dataDir: join(dir, 'b'), extraArgs: [...etcdArgs, '--server', a.url, '--token-file', join(a.dataDir, 'token')] });
  clusters.push(b);

  await a.k(['create', 'configmap', 'seen-by-both', '--from-literal=k=v']);
  assert.equal(await b.k(['get', 'configmap', 'seen-by-both', '-o', 'jsonpath={.data.k}']), 'v');

  // `fo-` nodes are given both servers; `one-` nodes only the first, and learn the second from the
  // kubernetes Endpoints (which both servers keep).
  // Their logs go to files, shown should a step fail.
  const simNodes = (prefix: string, servers: string, count: number) => {
    const log = openSync(join(dir, `${prefix}sim-nodes.log`), 'w');
    try {
      return spawn(process.execPath, [K8TS_BIN, 'sim-nodes', '--kubeconfig', a.kubeconfig, '--server', servers, '--count', String(count), '--name-prefix', prefix], { stdio: ['ignore', log, log] });
    } finally {
      closeSync(log);
    }
  };
  const nodes = simNodes('fo-', `${a.url},${b.url}`, 2);
  const learning = simNodes('one-', a.url, 1);
  try {
    const ready = async (c: TestCluster) => (await c.k(['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status} {end}'])).trim();
    await eventually(async () => (await ready(b)) === 'fo-0=True fo-1=True one-0=True', 40_000, 'the simulated nodes Ready');
    // sim-nodes watches the Endpoints, which listed both servers before it started (no more waiting
    // out a 10 s poll): the `one-` node learned the second server with its first list.

    await a.stop('SIGKILL', true);
    const killedAt = Date.now();
    // Every Lease renewed after the kill, through the surviving server.
    await eventually(async () => {
      const leases = JSON.parse(await b.k(['get', 'leases', '-n', 'kube-node-lease', '-o', 'json'])).items as Lease[];
      const renewed = leases.filter(l => /^(fo|one)-/.test(l.metadata.name) && Date.parse(l.spec.renewTime) > killedAt);
      return renewed.length === 3;
    }, 40_000, 'every node to renew its Lease through the second server');
    assert.equal(await ready(b), 'fo-0=True fo-1=True one-0=True', 'the nodes stay Ready');
    await b.k(['create', 'configmap', 'after-failover']);
  } catch (err) {
    const logs = ([['fo-', nodes], ['one-', learning]] as const).map(([prefix, p]) =>
      `${prefix}sim-nodes (exit ${p.exitCode ?? p.signalCode ?? 'running'}):\n${readFileSync(join(dir, `${prefix}sim-nodes.log`), 'utf8').slice(-3000)}`);
    throw new Error(`${(err as Error).message}\n${logs.join('\n')}`, { cause: err });
  } finally {
    for (const p of [nodes, learning]) {
      // One that already exited has no exit event to come.
      if (p.exitCode !== null || p.signalCode !== null) continue;
      const exited = new Promise(r => p.once('exit', r));
      process.kill(p.pid!, 'SIGTERM');
      await exited;
    }
  }
});
