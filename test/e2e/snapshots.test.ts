// Snapshots of a server's state: `k8ts etcd-snapshot save|ls|delete|restore` and scheduled
// snapshots with retention on the embedded etcd (--cluster-init), `--cluster-reset` (with and
// without a snapshot), and `k8ts snapshot save|restore` on SQLite. A restore brings back exactly the
// objects saved.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { stopLeftoverMember } from '../../src/storage/etcd/embedded-paths.js';
import { freePort } from '../../src/storage/etcd/member.js';
import { eventually, K8TS_BIN, run, TestCluster } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-snapshots-'));
after(async () => {
  await stopLeftoverMember(join(dir, 'etcd'));
  rmSync(dir, { recursive: true, force: true });
});

async function k8ts(args: string[]): Promise<string> {
  const r = await run(process.execPath, [K8TS_BIN, ...args]);
  if (r.code !== 0) throw new Error(`k8ts ${args.join(' ')} failed (${r.code}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

const savedPath = (out: string) => {
  const m = /^Snapshot (\S+) saved/m.exec(out);
  assert.ok(m, out);
  return m[1];
};

/** The namespace's ConfigMaps as name/uid pairs (what a restore must bring back exactly). */
const configMaps = (c: TestCluster) => c.k(['get', 'configmaps', '-n', 'snap', '-l', 'snap', '-o', 'jsonpath={range .items[*]}{.metadata.name}/{.metadata.uid} {end}']);

test('etcd snapshots: save, ls, scheduled with retention, delete, restore, --cluster-reset', { timeout: 180_000 }, async () => {
  const dataDir = join(dir, 'etcd');
  const etcdArgs = ['--cluster-init', '--etcd-client-port', String(await freePort()), '--etcd-peer-port', String(await freePort())];
  let cluster = await TestCluster.start({ dataDir, extraArgs: [...etcdArgs, '--etcd-snapshot-schedule-cron', '@every 2s', '--etcd-snapshot-retention', '2'] });
  try {
    await cluster.k(['create', 'namespace', 'snap']);
    await cluster.k(['create', 'configmap', 'kept', '-n', 'snap', '--from-literal=v=1']);
    await cluster.k(['create', 'configmap', 'removed-later', '-n', 'snap']);
    await cluster.k(['label', 'configmap', 'kept', 'removed-later', '-n', 'snap', 'snap=yes']);
    const atSave = await configMaps(cluster);
    const snapshot = savedPath(await k8ts(['etcd-snapshot', 'save', '--data-dir', dataDir]));
    assert.match(basename(snapshot), /^on-demand-.+-\d+$/);
    await cluster.k(['delete', 'configmap', 'removed-later', '-n', 'snap']);
    await cluster.k(['create', 'configmap', 'added-later', '-n', 'snap']);
    await cluster.k(['label', 'configmap', 'added-later', '-n', 'snap', 'snap=yes']);

    // Scheduled snapshots every 2 s, of which the newest 2 are kept.
    const scheduled = () => readdirSync(join(dataDir, 'db', 'snapshots')).filter(n => n.startsWith('etcd-snapshot-') && !n.endsWith('.part'));
    await eventually(() => scheduled().length === 2, 20_000, 'two scheduled snapshots');
    const firstTwo = scheduled();
    await eventually(() => !scheduled().includes(firstTwo[0]), 20_000, 'the oldest scheduled snapshot to be pruned');
    assert.equal(scheduled().length, 2);
    const listed = await k8ts(['etcd-snapshot', 'ls', '--data-dir', dataDir]);
    assert.match(listed, /^Name\s+Location\s+Size\s+Created/);
    assert.ok(listed.includes(basename(snapshot)) && listed.includes(`file://${snapshot}`), listed);
    await cluster.stop('SIGTERM', true);

    // Restoring needs the server stopped; then the next start has exactly what was saved.
    const restored = await k8ts(['etcd-snapshot', 'restore', '--data-dir', dataDir, '--name', basename(snapshot)]);
    assert.match(restored, /^Restored /);
    cluster = await TestCluster.start({ dataDir, extraArgs: etcdArgs });
    assert.equal(await configMaps(cluster), atSave);
    await cluster.k(['create', 'configmap', 'after-restore', '-n', 'snap']);
    await cluster.stop('SIGTERM', true);

    // --cluster-reset alone keeps the member's own data (a one-member cluster again), then exits.
    const reset = await run(process.execPath, [K8TS_BIN, 'server', '--data-dir', dataDir, '--disable-agent', '--bind-address', '127.0.0.1', ...etcdArgs, '--cluster-reset']);
    assert.equal(reset.code, 0, reset.stderr);
    assert.match(reset.stdout, /restart without --cluster-reset flag now/);
    cluster = await TestCluster.start({ dataDir, extraArgs: etcdArgs });
    assert.match(await cluster.k(['get', 'configmaps', '-n', 'snap', '-o', 'name']), /configmap\/after-restore\n/);
    await cluster.stop('SIGTERM', true);

    // --cluster-reset-restore-path goes back to the snapshot.
    const resetFrom = await run(process.execPath, [K8TS_BIN, 'server', '--data-dir', dataDir, '--disable-agent', '--bind-address', '127.0.0.1', ...etcdArgs, '--cluster-reset', '--cluster-reset-restore-path', snapshot]);
    assert.equal(resetFrom.code, 0, resetFrom.stderr);
    cluster = await TestCluster.start({ dataDir, extraArgs: etcdArgs });
    assert.equal(await configMaps(cluster), atSave);
    assert.doesNotMatch(await cluster.k(['get', 'configmaps', '-n', 'snap', '-o', 'name']), /after-restore/);

    await k8ts(['etcd-snapshot', 'delete', '--data-dir', dataDir, basename(snapshot)]);
    assert.ok(!(await k8ts(['etcd-snapshot', 'ls', '--data-dir', dataDir])).includes(basename(snapshot)));
  } finally {
    await cluster.stop('SIGTERM', true);
  }
});

test('SQLite snapshots: save while the server runs, restore with it stopped', { timeout: 120_000 }, async () => {
  const dataDir = join(dir, 'sqlite');
  let cluster = await TestCluster.start({ dataDir });
  try {
    await cluster.k(['create', 'namespace', 'snap']);
    await cluster.k(['create', 'configmap', 'kept', '-n', 'snap']);
    await cluster.k(['label', 'configmap', 'kept', '-n', 'snap', 'snap=yes']);
    const atSave = await configMaps(cluster);
    const snapshot = savedPath(await k8ts(['snapshot', 'save', '--data-dir', dataDir]));
    await cluster.k(['create', 'configmap', 'later', '-n', 'snap']);
    await cluster.k(['label', 'configmap', 'later', '-n', 'snap', 'snap=yes']);
    assert.match(await k8ts(['snapshot', 'ls', '--data-dir', dataDir]), new RegExp(basename(snapshot)));
    const refused = await run(process.execPath, [K8TS_BIN, 'snapshot', 'restore', '--data-dir', dataDir, '--name', basename(snapshot)]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /is running: stop it first/);
    await cluster.stop('SIGTERM', true);

    await k8ts(['snapshot', 'restore', '--data-dir', dataDir, '--name', basename(snapshot)]);
    cluster = await TestCluster.start({ dataDir });
    assert.equal(await configMaps(cluster), atSave);
  } finally {
    await cluster.stop('SIGTERM', true);
  }
});
