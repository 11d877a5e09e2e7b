import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStoreContract } from '../contract.js';
import { prefixEnd } from '../types.js';
import { SqliteStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-sqlite-'));
let n = 0;
after(() => rmSync(dir, { recursive: true, force: true }));

runStoreContract('sqlite', async () => SqliteStore.open(join(dir, `db-${n++}.sqlite`)));

test('sqlite: state, revision and compaction survive reopening', async () => {
  const path = join(dir, 'reopen.sqlite');
  let s = SqliteStore.open(path);
  const r1 = await s.create('/r/a', '1');
  const r2 = await s.update('/r/a', '2', r1);
  await s.create('/r/b', 'b');
  const r4 = (await s.delete('/r/b')).revision;
  await s.compact(r4);
  await s.close();
  s = SqliteStore.open(path);
  try {
    assert.equal(s.revision, r4, 'revision does not go back even when the newest row was compacted away');
    assert.equal(s.compactRevision, r4);
    const cur = await s.range('/r/', prefixEnd('/r/'));
    assert.deepEqual(cur.kvs.map(k => [k.key, k.value, k.modRevision]), [['/r/a', '2', r2]]);
    assert.ok((await s.create('/r/c', 'c')) > r4);
  } finally {
    await s.close();
  }
});
