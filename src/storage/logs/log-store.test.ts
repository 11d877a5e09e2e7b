import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { LogQueryError, LogStore, type LogBatch, type LogSource } from './log-store.js';

const T0 = Date.UTC(2026, 11, 6, 10, 0, 0);
const web: LogSource = { namespace: 'shop', pod: 'web-1', podUid: 'u1', container: 'nginx', node: 'n1', labels: { app: 'web' } };
const db: LogSource = { namespace: 'data', pod: 'db-0', podUid: 'u2', container: 'pg', node: 'n2', labels: { app: 'db' } };

function batch(source: LogSource, file: string, from: number, lines: [number, string][]): LogBatch {
  return { source, file, fromOffset: from, toOffset: from + lines.length * 10, lines: lines.map(([t, line]) => ({ timeMs: T0 + t, stream: 'stdout', line })) };
}

function withStore(fn: (s: LogStore) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-logstore-'));
  const s = new LogStore(join(dir, 'logs', 'logs.db'));
  try {
    fn(s);
  } finally {
    s.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('finds lines by words, newest first, with their pod and container', () => withStore(s => {
  s.ingest([batch(web, 'c1/1', 0, [[0, 'GET /index 200'], [1000, 'GET /cart 500 error'], [2000, 'shutting down']])]);
  s.ingest([batch(db, 'c2/1', 0, [[1500, 'checkpoint error: disk full']])]);
  const page = s.search({ text: 'error' });
  assert.deepEqual(page.items.map(i => i.line), ['checkpoint error: disk full', 'GET /cart 500 error']);
  assert.deepEqual(page.items[1], { time: new Date(T0 + 1000).toISOString(), namespace: 'shop', pod: 'web-1', container: 'nginx', node: 'n1', stream: 'stdout', line: 'GET /cart 500 error' });
  assert.deepEqual(s.search({ text: 'GET error' }).items.map(i => i.line), ['GET /cart 500 error']);
  assert.equal(s.search({}).items.length, 4);
}));

test('filters by namespaces, selector, container and since', () => withStore(s => {
  s.ingest([batch(web, 'c1/1', 0, [[0, 'a error'], [5000, 'b error']]), batch(db, 'c2/1', 0, [[1000, 'c error']])]);
  assert.deepEqual(s.search({ text: 'error', namespaces: ['data'] }).items.map(i => i.line), ['c error']);
  assert.deepEqual(s.search({ text: 'error', namespaces: [] }).items, []);
  assert.deepEqual(s.search({ text: 'error', selector: 'app=web' }).items.map(i => i.line), ['b error', 'a error']);
  assert.deepEqual(s.search({ text: 'error', container: 'pg' }).items.map(i => i.line), ['c error']);
  assert.deepEqual(s.search({ text: 'error', sinceMs: T0 + 1000 }).items.map(i => i.line), ['b error', 'c error']);
  assert.deepEqual(s.search({ sinceMs: T0 + 1000, selector: 'app!=web' }).items.map(i => i.line), ['c error']);
  assert.throws(() => s.search({ selector: 'app in (' }), LogQueryError);
}));

test('pages through results with a continue token', () => withStore(s => {
  s.ingest([batch(web, 'c1/1', 0, Array.from({ length: 25 }, (_, i) => [i, `line ${i}`] as [number, string]))]);
  const seen: string[] = [];
  let cont: string | undefined;
  do {
    const p = s.search({ text: 'line', limit: 10, continue: cont });
    seen.push(...p.items.map(i => i.line));
    cont = p.continue;
  } while (cont);
  assert.deepEqual(seen, Array.from({ length: 25 }, (_, i) => `line ${24 - i}`));
  assert.throws(() => s.search({ continue: 'x' }), LogQueryError);
}));

test('lines of one millisecond are all kept', () => withStore(s => {
  s.ingest([batch(web, 'c1/1', 0, Array.from({ length: 3000 }, () => [0, 'same'] as [number, string]))]);
  assert.equal(s.search({ text: 'same', limit: 1000 }).items.length, 1000);
  assert.equal(s.enforceRetention({ maxAgeMs: 1, maxBytes: Infinity }, T0 + 10_000), 3000);
}));

test('a batch resent after a lost acknowledgement is not stored twice', () => withStore(s => {
  const b = batch(web, 'c1/1', 0, [[0, 'once']]);
  assert.equal(s.ingest([b]), 1);
  assert.equal(s.offset('c1/1'), 10);
  assert.equal(s.ingest([b]), 0);
  assert.equal(s.ingest([batch(web, 'c1/1', 10, [[1, 'twice']])]), 1);
  assert.equal(s.search({}).items.length, 2);
}));

test('offsets and lines survive reopening the database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-logstore-'));
  try {
    const path = join(dir, 'logs.db');
    let s = new LogStore(path);
    s.ingest([batch(web, 'c1/1', 0, [[0, 'kept line']])]);
    s.close();
    s = new LogStore(path);
    assert.equal(s.offset('c1/1'), 10);
    s.ingest([batch(web, 'c1/1', 10, [[1, 'kept again']])]);
    assert.deepEqual(s.search({ text: 'kept' }).items.map(i => i.pod), ['web-1', 'web-1']);
    s.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('retention removes lines older than the age limit, then the oldest beyond the size limit', () => withStore(s => {
  s.ingest([batch(web, 'c1/1', 0, [[0, 'old'], [60_000, 'new']])]);
  assert.equal(s.enforceRetention({ maxAgeMs: 30_000, maxBytes: Infinity }, T0 + 70_000), 1);
  assert.deepEqual(s.search({}).items.map(i => i.line), ['new']);
  assert.deepEqual(s.search({ text: 'old' }).items, []);
  const pad = 'x'.repeat(200);
  s.ingest([batch(db, 'c2/1', 0, Array.from({ length: 5000 }, (_, i) => [100_000 + i, `${pad} ${i}`] as [number, string]))]);
  const before = s.usedBytes();
  s.enforceRetention({ maxAgeMs: Infinity, maxBytes: before / 2 }, T0 + 200_000);
  assert.ok(s.usedBytes() <= before / 2, `${s.usedBytes()} > ${before / 2}`);
  const left = s.search({ limit: 1000 }).items;
  assert.equal(left[0].line, `${pad} 4999`, 'the newest line stays');
  assert.ok(!left.some(i => i.line === 'new'), 'the oldest line goes first');
}));

test('a word of several tokens matches them next to each other, in order; FTS5 syntax is plain words', () => withStore(s => {
  s.ingest([batch(web, 'c1/1', 0, [[0, 'rot-line 5 ok'], [1, 'ROT LINE 6 ok'], [2, 'line rot 7'], [3, 'rot x line 8'], [4, 'disk "full" OR NOT']])]);
  assert.deepEqual(s.search({ text: 'rot-line' }).items.map(i => i.line), ['ROT LINE 6 ok', 'rot-line 5 ok']);
  assert.deepEqual(s.search({ text: 'rot-line ok 5' }).items.map(i => i.line), ['rot-line 5 ok']);
  assert.equal(s.search({ text: 'rot line' }).items.length, 4);
  assert.deepEqual(s.search({ text: '"full" OR NOT' }).items.map(i => i.line), ['disk "full" OR NOT']);
  assert.deepEqual(s.search({ text: '---' }).items, [], 'a word without tokens alone matches nothing');
  assert.equal(s.search({ text: 'disk ---' }).items.length, 1, 'beside others it is ignored');
}));

test('a line arriving late with an older time sorts by its time', () => withStore(s => {
  s.ingest([batch(web, 'c1/1', 0, [[0, 'first'], [1, 'second']])]);
  s.ingest([batch(db, 'c2/1', 0, [[0, 'late']])]);
  assert.deepEqual(s.search({}).items.map(i => i.line), ['second', 'late', 'first']);
}));

test('a store made with the earlier index (contentless_delete) still removes lines by retention', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-logstore-'));
  try {
    const path = join(dir, 'logs.db');
    const old = new Database(path);
    old.exec("CREATE VIRTUAL TABLE lines_fts USING fts5(line, content='', contentless_delete=1)");
    old.close();
    const s = new LogStore(path);
    s.ingest([batch(web, 'c1/1', 0, [[0, 'old line'], [60_000, 'new line']])]);
    assert.equal(s.enforceRetention({ maxAgeMs: 30_000, maxBytes: Infinity }, T0 + 70_000), 1);
    assert.deepEqual(s.search({ text: 'line' }).items.map(i => i.line), ['new line']);
    s.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
