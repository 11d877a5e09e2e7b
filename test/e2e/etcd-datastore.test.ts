// `k8ts server --datastore etcd --etcd-servers https://...` on an external etcd the test starts with
// TLS and required client certificates (made with src/pki), driven with the real kubectl: objects
// are etcd keys, a watch sees the changes, and a restarted server has lost nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCA, issueCertificate } from '../../src/pki/certificates.js';
import { EtcdClient } from '../../src/storage/etcd/client.js';
import { EtcdMember, freePort } from '../../src/storage/etcd/member.js';
import { eventually, K8TS_BIN, run, TestCluster } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-etcd-e2e-'));
const tls = join(dir, 'tls');
let member: EtcdMember;
let endpoint: string;
const files = {
  ca: join(tls, 'ca.crt'), serverCert: join(tls, 'server.crt'), serverKey: join(tls, 'server.key'),
  clientCert: join(tls, 'client.crt'), clientKey: join(tls, 'client.key'),
};

before(async () => {
  mkdirSync(tls, { recursive: true });
  const ca = await createCA('etcd-test-ca');
  const server = await issueCertificate(ca, { commonName: 'etcd', usage: 'both', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  const client = await issueCertificate(ca, { commonName: 'k8ts', usage: 'client' });
  writeFileSync(files.ca, ca.cert);
  writeFileSync(files.serverCert, server.cert);
  writeFileSync(files.serverKey, server.key);
  writeFileSync(files.clientCert, client.cert);
  writeFileSync(files.clientKey, client.key);
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  endpoint = `https://127.0.0.1:${clientPort}`;
  member = await EtcdMember.start({
    name: 'e2e', dataDir: join(dir, 'etcd'), logFile: join(dir, 'etcd.log'),
    clientUrls: [endpoint], peerUrls: [`https://127.0.0.1:${peerPort}`],
    tls: { caFile: files.ca, certFile: files.serverCert, keyFile: files.serverKey },
  }, { ca: Buffer.from(ca.cert), cert: Buffer.from(client.cert), key: Buffer.from(client.key) });
});

after(async () => {
  await member?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A client of the test's etcd with the certificate the server uses. */
const testClient = () => new EtcdClient({ endpoints: [endpoint], tls: { ca: readFileSync(files.ca), cert: readFileSync(files.clientCert), key: readFileSync(files.clientKey) } });

const serverArgs = () => [
  // Long against a kubectl call on a loaded machine: the test reads the Event's lease after creating it.
  '--event-ttl', '10s', '--datastore', 'etcd', '--etcd-servers', endpoint,
  '--etcd-cafile', files.ca, '--etcd-certfile', files.clientCert, '--etcd-keyfile', files.clientKey,
];

test('a server on an external TLS etcd: create, get, watch, delete with kubectl; a restart loses nothing', { timeout: 180_000 }, async () => {
  const dataDir = join(dir, 'server');
  let cluster = await TestCluster.start({ dataDir, extraArgs: serverArgs() });
  try {
    // A watch that sees what follows.
    const [cmd, ...args] = cluster.kubectlCommand(['get', 'configmaps', '-n', 'default', '--watch', '-o', 'custom-columns=NAME:.metadata.name,V:.data.v', '--no-headers']);
    const watcher = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let watched = '';
    watcher.stdout.on('data', d => (watched += String(d)));
    try {
      await cluster.k(['create', 'configmap', 'one', '-n', 'default', '--from-literal=v=1']);
      await cluster.k(['create', 'namespace', 'kept']);
      await cluster.k(['create', 'configmap', 'two', '-n', 'kept', '--from-literal=v=2']);
      // The first version seen (as a watch event, or in the list of a kubectl that started late)
      // before the patch, so that the watch has both to show.
      await eventually(() => /one\s+1\n/.test(watched), 30_000, `the watch to see the first version (saw ${JSON.stringify(watched)})`);
      await cluster.k(['patch', 'configmap', 'one', '-n', 'default', '-p', '{"data":{"v":"1b"}}']);
      assert.equal(await cluster.k(['get', 'configmap', 'one', '-n', 'default', '-o', 'jsonpath={.data.v}']), '1b');
      await eventually(() => /one\s+1b\n/.test(watched), 30_000, `the watch to see the patched version (saw ${JSON.stringify(watched)})`);
    } finally {
      watcher.kill('SIGTERM');
    }
    // The objects are etcd's keys, as kube-apiserver lays them out, and resourceVersion is etcd's revision.
    const etcd = testClient();
    try {
      const raw = await etcd.range({ key: Buffer.from('/registry/configmaps/kept/two') });
      assert.equal(raw.kvs.length, 1);
      const rv = await cluster.k(['get', 'configmap', 'two', '-n', 'kept', '-o', 'jsonpath={.metadata.resourceVersion}']);
      assert.equal(rv, String(raw.kvs[0].modRevision));
    } finally {
      etcd.close();
    }
    // Lists page with continue tokens over etcd ranges: one object per page gives the same list.
    const whole = await cluster.k(['get', 'configmaps', '-A', '-o', 'name']);
    assert.ok(whole.split('\n').filter(Boolean).length >= 3, whole);
    assert.equal(await cluster.k(['get', 'configmaps', '-A', '-o', 'name', '--chunk-size', '1']), whole);
    const uid = await cluster.k(['get', 'configmap', 'two', '-n', 'kept', '-o', 'jsonpath={.metadata.uid}']);
    await cluster.k(['delete', 'configmap', 'one', '-n', 'default']);
    await cluster.stop('SIGKILL', true);

    cluster = await TestCluster.start({ dataDir, extraArgs: serverArgs() });
    assert.equal(await cluster.k(['get', 'configmap', 'two', '-n', 'kept', '-o', 'jsonpath={.metadata.uid}']), uid);
    const gone = await cluster.kubectl(['get', 'configmap', 'one', '-n', 'default']);
    assert.match(gone.stderr, /NotFound/);

    // Events are written under an etcd lease of --event-ttl: etcd deletes them.
    await cluster.k(['create', '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'Event', metadata: { name: 'short-lived', namespace: 'default' },
      involvedObject: { kind: 'Node', name: 'n1' }, reason: 'Test', message: 'expires', type: 'Normal', count: 1,
    }));
    const etcdAgain = testClient();
    try {
      const raw = await etcdAgain.range({ key: Buffer.from('/registry/events/default/short-lived') });
      assert.ok(raw.kvs[0]?.lease > 0, 'the Event has a lease');
    } finally {
      etcdAgain.close();
    }
    await eventually(async () => (await cluster.kubectl(['get', 'event', 'short-lived', '-n', 'default'])).code !== 0, 40_000, 'the Event to expire');
  } finally {
    await cluster.stop('SIGTERM', true);
  }
});

test('bad etcd flags are refused with one clear line', async () => {
  const r = await runServer(['--datastore', 'etcd']);
  assert.match(r, /--datastore etcd needs --etcd-servers/);
  assert.match(await runServer(['--datastore', 'etcd', '--etcd-servers', 'https://127.0.0.1:1']), /https --etcd-servers need --etcd-cafile/);
  assert.match(await runServer(['--etcd-servers', endpoint]), /--etcd-servers needs --datastore etcd/);
});

async function runServer(args: string[]): Promise<string> {
  const r = await run(process.execPath, [K8TS_BIN, 'server', '--data-dir', join(dir, 'bad'), '--disable-agent', ...args]);
  assert.notEqual(r.code, 0);
  return r.stderr;
}
