// `k8ts server --cluster-init`: a SQLite cluster restarted with --cluster-init moves its objects
// (uids and all) into the embedded etcd member once; the member is restarted when it dies; it lives
// no longer than its server: a failed start, a clean stop and a SIGKILL of the server all end it.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopLeftoverMember } from '../../src/storage/etcd/embedded-paths.js';
import { canListen, freePort } from '../../src/storage/etcd/member.js';
import { livePid, processStartTime } from '../../src/util/pid-file.js';
import { eventually, TestCluster } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-cluster-init-'));
after(async () => {
  // A member left by a failed run (its server killed) is stopped by its PID file.
  await stopLeftoverMember(join(dir, 'server'));
  await stopLeftoverMember(join(dir, 'failed-start'));
  rmSync(dir, { recursive: true, force: true });
});

test('--cluster-init: SQLite state moves into the embedded etcd once; the member is supervised', { timeout: 180_000 }, async () => {
  const dataDir = join(dir, 'server');
  const etcdArgs = ['--cluster-init', '--etcd-client-port', String(await freePort()), '--etcd-peer-port', String(await freePort())];
  const memberPidFile = join(dataDir, 'etcd', 'etcd.pid');

  let cluster = await TestCluster.start({ dataDir });
  await cluster.k(['create', 'namespace', 'moved']);
  await cluster.k(['create', 'configmap', 'cm', '-n', 'moved', '--from-literal=k=v']);
  await cluster.k(['create', 'secret', 'generic', 's', '-n', 'moved', '--from-literal=password=p']);
  const before = await cluster.k(['get', 'configmap,secret', '-n', 'moved', '-o', 'jsonpath={range .items[*]}{.kind}/{.metadata.name}/{.metadata.uid}/{.metadata.creationTimestamp} {end}']);
  await cluster.stop('SIGTERM', true);

  cluster = await TestCluster.start({ dataDir, extraArgs: etcdArgs });
  let memberPid: number | undefined;
  try {
    assert.ok(existsSync(join(dataDir, 'db', 'state.db.migrated')) && !existsSync(join(dataDir, 'db', 'state.db')), 'the SQLite file is renamed once moved');
    const after = await cluster.k(['get', 'configmap,secret', '-n', 'moved', '-o', 'jsonpath={range .items[*]}{.kind}/{.metadata.name}/{.metadata.uid}/{.metadata.creationTimestamp} {end}']);
    assert.equal(after, before, 'every object with its uid and creation time');
    assert.equal(await cluster.k(['get', 'secret', 's', '-n', 'moved', '-o', 'jsonpath={.data.password}']), Buffer.from('p').toString('base64'));

    // The member dies: the server starts it again and goes on serving.
    memberPid = livePid(memberPidFile);
    assert.ok(memberPid, 'the member runs and has its PID file');
    process.kill(memberPid, 'SIGKILL');
    await eventually(async () => {
      const pid = livePid(memberPidFile);
      return pid !== undefined && pid !== memberPid && (await cluster.kubectl(['create', 'configmap', 'after-restart', '-n', 'moved'])).code === 0;
    }, 30_000, 'the member to be restarted and writes to work');
    memberPid = livePid(memberPidFile);

    // A killed server takes its member along (the kernel's parent-death signal); the next start has everything.
    await cluster.stop('SIGKILL', true);
    await eventually(async () => processStartTime(memberPid!) === undefined, 20_000, 'the member of a killed server to die');
    cluster = await TestCluster.start({ dataDir, extraArgs: etcdArgs });
    assert.match(await cluster.k(['get', 'configmaps', '-n', 'moved', '-o', 'name']), /configmap\/after-restart\n/);
    assert.equal(await cluster.k(['get', 'configmap', 'cm', '-n', 'moved', '-o', 'jsonpath={.data.k}']), 'v');
    memberPid = livePid(memberPidFile);
  } finally {
    await cluster.stop('SIGTERM', true);
  }
  assert.ok(memberPid);
  assert.equal(processStartTime(memberPid), undefined, 'a clean stop stops the member before the server exits');
});

test('--cluster-init: a start that fails after etcd started leaves no etcd behind', { timeout: 60_000 }, async () => {
  const dataDir = join(dir, 'failed-start');
  mkdirSync(dataDir, { recursive: true });
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const policy = join(dir, 'audit-policy.yaml');
  writeFileSync(policy, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n');
  // The audit log's directory is a regular file: the API server cannot open it, after etcd is up.
  const notADir = join(dir, 'not-a-dir');
  writeFileSync(notADir, '');
  await assert.rejects(TestCluster.start({ dataDir, extraArgs: [
    '--cluster-init', '--etcd-client-port', String(clientPort), '--etcd-peer-port', String(peerPort),
    '--audit-policy-file', policy, '--audit-log-path', join(notADir, 'audit.log'),
  ] }), /exited with 1[\s\S]*embedded etcd started[\s\S]*--audit-log-path: cannot open/);
  assert.deepEqual(processesMentioning(join(dataDir, 'etcd', 'data')), [], 'no etcd of this data dir runs');
  assert.equal(existsSync(join(dataDir, 'etcd', 'etcd.pid')), false);
  assert.ok(await canListen('127.0.0.1', clientPort) && await canListen('127.0.0.1', peerPort), 'the etcd ports are free');
});

/** PIDs of the processes whose command line mentions `text`. */
function processesMentioning(text: string): number[] {
  return readdirSync('/proc').filter(d => /^\d+$/.test(d)).filter(pid => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
    } catch {
      return false; // exited meanwhile
    }
  }).map(Number);
}
