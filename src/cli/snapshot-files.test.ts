import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatSnapshotTable, listSnapshots, pruneSnapshots, SCHEDULED_NAME, snapshotPath } from './snapshot-files.js';

test('retention keeps the newest scheduled snapshots and never touches on-demand ones', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-snapfiles-'));
  try {
    const files = ['etcd-snapshot-n-100', 'etcd-snapshot-n-200', 'on-demand-n-150', 'etcd-snapshot-n-300', 'etcd-snapshot-n-400.part'];
    files.forEach((name, i) => {
      writeFileSync(join(dir, name), 'x'.repeat(i + 1));
      const t = new Date(Date.UTC(2026, 0, 1, 0, 0, Number(name.match(/(\d+)/)![1]) / 10));
      utimesSync(join(dir, name), t, t);
    });
    assert.deepEqual(listSnapshots(dir).map(s => s.name), ['etcd-snapshot-n-100', 'on-demand-n-150', 'etcd-snapshot-n-200', 'etcd-snapshot-n-300'], 'oldest first, partial files left out');
    assert.deepEqual(pruneSnapshots(dir, SCHEDULED_NAME, 2), ['etcd-snapshot-n-100']);
    assert.deepEqual(readdirSync(dir).sort(), ['etcd-snapshot-n-200', 'etcd-snapshot-n-300', 'etcd-snapshot-n-400.part', 'on-demand-n-150']);
    const table = formatSnapshotTable(listSnapshots(dir)).split('\n');
    assert.match(table[0], /^Name\s+Location\s+Size\s+Created$/);
    assert.match(table[1], new RegExp(`^on-demand-n-150\\s+file://${dir}/on-demand-n-150\\s+3\\s+2026-01-01T00:00:15Z$`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a snapshot is named in the snapshot dir, or given by path', () => {
  assert.equal(snapshotPath('/d/snaps', 'on-demand-n-1'), '/d/snaps/on-demand-n-1');
  assert.equal(snapshotPath('/d/snaps', '/elsewhere/s'), '/elsewhere/s');
  assert.equal(snapshotPath('/d/snaps', 'rel/s'), 'rel/s');
});
