import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { runStoreContract } from '../contract.js';
import { StorageError, prefixEnd } from '../types.js';
import { SqliteStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-sqlite-'));
let n = 0;
const freshPath = () => join(dir, `db-${n++}.sqlite`);
after(() => rmSync(dir, { recursive: true, force: true }));

runStoreContract('sqlite', async () => SqliteStore.open(freshPath()));

function rowRevisions(path: string): number[] {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT rev FROM kv ORDER BY rev').all() as { rev: number }[]).map(r => r.rev);
  } finally {
    db.close();
  }
}

test('sqlite: state, revision and compaction survive reopening', async () => {
  const path = freshPath();
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

test('sqlite: compaction removes exactly the superseded rows and tombstones', async () => {
  const path = freshPath();
  const s = SqliteStore.open(path);
  // More revisions than one sweep window, so the sweep takes several steps.
  const keys = Array.from({ length: 1200 }, (_, i) => `/s/${i}`);
  const created = await Promise.all(keys.map(k => s.create(k, 'v1')));
  const updated = await Promise.all(keys.map((k, i) => s.update(k, 'v2', created[i])));
  const kept = await s.create('/s/kept', 'k');
  const gone = await s.create('/s/gone', 'g');
  await s.delete('/s/gone', gone);
  const beyond = await s.update('/s/0', 'v3', updated[0]);
  await s.compact(beyond - 1);
  await s.close();
  assert.deepEqual(rowRevisions(path), [...updated, kept, beyond], 'the newest value at the compact revision stays, and everything after it');
});

test('sqlite: auto-compaction keeps the configured number of revisions', async () => {
  const s = SqliteStore.open(freshPath(), { autoCompaction: { intervalMs: 5, retainRevisions: 3 } });
  try {
    let rev = await s.create('/a/k', '0');
    for (let i = 0; i < 10; i++) rev = await s.update('/a/k', String(i), rev);
    while (s.compactRevision < rev - 3) await sleep(5);
    assert.equal(s.compactRevision, rev - 3);
    assert.equal((await s.get('/a/k'))?.value, '9');
  } finally {
    await s.close();
  }
});

test('sqlite: a database has one owner at a time', async () => {
  const path = freshPath();
  const owner = SqliteStore.open(path);
  await owner.create('/o/a', 'a');
  assert.throws(() => SqliteStore.open(path), StorageError);
  assert.ok((await owner.create('/o/b', 'b')) > 0, 'the owner is unaffected');
  await owner.close();
  const next = SqliteStore.open(path);
  assert.equal(next.revision, 2);
  await next.close();
});

test('sqlite: the commit worker keeps the process alive while a write is under way, and only then', async () => {
  // A script that never closes its store must still exit, and not before its writes are settled,
  // including one issued while the worker is idle. It runs as an --eval module, as the e2e tests
  // and benchmarks run commands, which a worker must cope with.
  const script = `import { SqliteStore } from ${JSON.stringify(new URL('./sqlite-store.js', import.meta.url).href)};
    const s = SqliteStore.open(${JSON.stringify(freshPath())});
    console.log(await s.create('/a', 'v'));
    await new Promise(resolve => setTimeout(resolve, 200));
    console.log(await s.create('/b', 'v'));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { timeout: 10_000 });
  assert.equal(stdout, '1\n2\n');
});

test('sqlite: encrypted values (binary strings) are stored as BLOBs byte for byte, in every read and watch', async () => {
  const path = freshPath();
  let bytes = 'k8s:enc:aesgcm:v1:key1:';
  for (let i = 0; i < 256; i++) bytes += String.fromCharCode(i);
  const s = SqliteStore.open(path);
  try {
    const seen: string[] = [];
    const w = s.watch('/e/', { afterRevision: 0, onEvents: evs => seen.push(...evs.map(e => e.prevKv?.value ?? e.kv.value)) });
    const r1 = await s.create('/e/a', bytes);
    await s.update('/e/a', '{"plain":"é"}', r1);
    await s.delete('/e/a');
    w.close();
    assert.deepEqual(seen, [bytes, bytes, '{"plain":"é"}']);
    const replay: string[] = [];
    s.watch('/e/', { afterRevision: 0, onEvents: evs => replay.push(...evs.map(e => e.prevKv?.value ?? e.kv.value)) }).close();
    assert.deepEqual(replay, seen);
    assert.equal((await s.get('/e/a', r1))!.value, bytes);
    assert.equal((await s.range('/e/', prefixEnd('/e/'), { revision: r1 })).kvs[0].value, bytes);
  } finally {
    await s.close();
  }
  const db = new Database(path, { readonly: true });
  try {
    const rows = db.prepare("SELECT typeof(value) AS type, value FROM kv WHERE key = '/e/a' ORDER BY rev").all() as { type: string; value: Buffer | string }[];
    assert.deepEqual(rows.map(r => r.type), ['blob', 'text', 'text']);
    assert.ok(Buffer.from(bytes, 'latin1').equals(rows[0].value as Buffer), 'the exact bytes, not their UTF-8');
  } finally {
    db.close();
  }
});
