// `k8ts etcd-member list|remove` on a `--cluster-init` server: a second etcd member (started by the
// test with the cluster CA's certificates, as a joining server's would be) joins as a learner and is
// promoted; the command lists both with etcd's IDs, removes the second by name, and refuses to
// remove the server's own member or one that does not exist.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EtcdClient } from '../../src/storage/etcd/client.js';
import { embeddedEtcdPaths, stopLeftoverMember } from '../../src/storage/etcd/embedded-paths.js';
import { EtcdMember, freePort } from '../../src/storage/etcd/member.js';
import { addLearner, promoteWhenInSync } from '../../src/storage/etcd/membership.js';
import { K8TS_BIN, run, TestCluster } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-etcd-member-'));
const dataDir = join(dir, 'server');
let second: EtcdMember | undefined;
after(async () => {
  await second?.stop();
  await stopLeftoverMember(dataDir);
  rmSync(dir, { recursive: true, force: true });
});

const etcdMember = (...args: string[]) => run(process.execPath, [K8TS_BIN, 'etcd-member', ...args, '--data-dir', dataDir]);

test('etcd-member: lists the members with their IDs, removes a retired one by name', { timeout: 150_000 }, async () => {
  const clientPort = await freePort();
  const cluster = await TestCluster.start({ dataDir, extraArgs: ['--cluster-init', '--disable-agent', '--etcd-client-port', String(clientPort), '--etcd-peer-port', String(await freePort())] });
  const p = embeddedEtcdPaths(dataDir);
  const tls = { ca: readFileSync(p.caFile), cert: readFileSync(p.clientCert), key: readFileSync(p.clientKey) };
  const client = new EtcdClient({ endpoints: [`https://127.0.0.1:${clientPort}`], tls });
  try {
    const ownName = readFileSync(p.nameFile, 'utf8').trim();
    const peerUrl = `https://127.0.0.1:${await freePort()}`;
    const learner = await addLearner(client, 'second', peerUrl);
    second = await EtcdMember.start({
      name: 'second', dataDir: join(dir, 'second'), logFile: join(dir, 'second.log'),
      clientUrls: [`https://127.0.0.1:${await freePort()}`], peerUrls: [peerUrl],
      initialCluster: learner.initialCluster, initialClusterState: 'existing',
      tls: { caFile: p.caFile, certFile: p.serverCert, keyFile: p.serverKey },
    }, tls);
    await promoteWhenInSync(client, learner.id);

    const listed = await etcdMember('list');
    assert.equal(listed.code, 0, listed.stderr);
    const rows = listed.stdout.trim().split('\n');
    assert.match(rows[0], /^ID +STATUS +NAME +PEER ADDRS +CLIENT ADDRS +IS LEARNER$/);
    const byName = new Map(rows.slice(1).map(r => r.split(/ +/)).map(c => [c[2], c]));
    assert.deepEqual([...byName.keys()].sort(), [ownName, 'second'].sort());
    assert.equal(byName.get('second')![0], BigInt(learner.id).toString(16));
    assert.deepEqual(byName.get('second')!.slice(3), [peerUrl, second.options.clientUrls[0], 'false']);

    const own = await etcdMember('remove', ownName);
    assert.equal(own.code, 2);
    assert.match(own.stderr, /this server's own member: remove it from another server/);
    const unknown = await etcdMember('remove', 'nobody');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no etcd member named nobody/);

    const removed = await etcdMember('remove', 'second');
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal(removed.stdout.trim(), 'Removed etcd member second');
    assert.deepEqual((await client.memberList()).map(m => m.name), [ownName]);
    // The API keeps serving on the one member left.
    await cluster.k(['create', 'configmap', 'after-removal']);
  } finally {
    client.close();
    await cluster.stop('SIGTERM', true);
  }
});
