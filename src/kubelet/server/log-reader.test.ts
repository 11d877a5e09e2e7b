import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatRfc3339Nano, parseCriLogLine, parseRfc3339Ms } from './cri-log-format.js';
import { readContainerLog, type LogReadOptions } from './log-reader.js';

const LOG = [
  '2026-11-23T10:00:00.100000000Z stdout F one',
  '2026-11-23T10:00:01.000000000Z stderr F two',
  '2026-11-23T10:00:02.5Z stdout P thr',
  '2026-11-23T10:00:02.6Z stdout F ee',
  '2026-11-23T10:00:03.123456789Z stdout F four',
].join('\n') + '\n';

/** Waits for `p` at most `ms`, then fails with `why` instead of hanging until the runner's timeout. */
async function within<T>(p: Promise<T>, ms: number, why: string): Promise<T> {
  let timer!: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${why} (waited ${ms} ms)`)), ms); });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function read(content: string, opts: Partial<LogReadOptions>): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-log-'));
  try {
    const path = join(dir, '0.log');
    writeFileSync(path, content);
    const out: Buffer[] = [];
    await readContainerLog(path, { timestamps: false, follow: false, ...opts }, { write: async c => { out.push(Buffer.from(c)); } });
    return Buffer.concat(out).toString();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('parses CRI records: stream, partial tag, content', () => {
  const r = parseCriLogLine(Buffer.from('2026-11-23T10:00:00.5+01:00 stderr P:x abc\n'));
  assert.equal(r.stream, 'stderr');
  assert.equal(r.partial, true);
  assert.equal(r.content.toString(), 'abc');
  assert.equal(r.timeMs, Date.UTC(2026, 10, 23, 9, 0, 0, 500));
  assert.equal(parseCriLogLine(Buffer.from('2026-11-23T10:00:00Z stdout F full\n')).content.toString(), 'full\n');
  assert.throws(() => parseCriLogLine(Buffer.from('garbage')));
  assert.throws(() => parseCriLogLine(Buffer.from('2026-11-23T10:00:00Z other F x')));
});

test('timestamps render as Go RFC3339Nano', () => {
  assert.equal(formatRfc3339Nano('2026-11-23T10:00:00.100000000Z'), '2026-11-23T10:00:00.1Z');
  assert.equal(formatRfc3339Nano('2026-11-23T10:00:00.000000000+00:00'), '2026-11-23T10:00:00Z');
  assert.equal(formatRfc3339Nano('2026-11-23T10:00:00.120+02:00'), '2026-11-23T10:00:00.12+02:00');
  assert.ok(Number.isNaN(parseRfc3339Ms('yesterday')));
});

test('whole log: both streams, partial records joined', async () => {
  assert.equal(await read(LOG, {}), 'one\ntwo\nthree\nfour\n');
});

test('timestamps prefix each line once, not the continuation of a partial record', async () => {
  assert.equal(await read(LOG, { timestamps: true }),
    '2026-11-23T10:00:00.1Z one\n2026-11-23T10:00:01Z two\n2026-11-23T10:00:02.5Z three\n2026-11-23T10:00:03.123456789Z four\n');
});

test('tailLines counts file records from the end', async () => {
  assert.equal(await read(LOG, { tailLines: 1 }), 'four\n');
  assert.equal(await read(LOG, { tailLines: 2 }), 'ee\nfour\n');
  assert.equal(await read(LOG, { tailLines: 0 }), '');
  assert.equal(await read(LOG, { tailLines: 99 }), 'one\ntwo\nthree\nfour\n');
});

test('since skips older records; limitBytes cuts the output', async () => {
  assert.equal(await read(LOG, { sinceMs: Date.UTC(2026, 10, 23, 10, 0, 2) }), 'three\nfour\n');
  assert.equal(await read(LOG, { limitBytes: 6 }), 'one\ntw');
});

test('a last record without newline is still shown; unparsable records are skipped', async () => {
  assert.equal(await read('junk\n2026-11-23T10:00:00Z stdout F a\n2026-11-23T10:00:00Z stdout F b', {}), 'a\nb');
});

test('follow streams appended records and ends once the container stops', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-log-'));
  try {
    const path = join(dir, '0.log');
    writeFileSync(path, '2026-11-23T10:00:00Z stdout F first\n');
    let running = true;
    const out: string[] = [];
    let sawFirst!: () => void;
    const first = new Promise<void>(r => (sawFirst = r));
    const done = readContainerLog(path, { timestamps: false, follow: true, tailLines: 1 }, {
      write: async c => {
        out.push(c.toString());
        if (out.length === 1) sawFirst();
      },
    }, { running: async () => running, signal: new AbortController().signal, checkIntervalMs: 50 });
    await within(first, 10_000, 'the existing record was not streamed');
    appendFileSync(path, '2026-11-23T10:00:01Z stdout P sec\n2026-11-23T10:00:01Z stdout F ond\n');
    running = false;
    await within(done, 10_000, 'follow did not end once the container stopped');
    assert.equal(out.join(''), 'first\nsecond\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('follow goes on in the new file after the log is rotated', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-log-'));
  try {
    const path = join(dir, '0.log');
    writeFileSync(path, '2026-11-23T10:00:00Z stdout F first\n');
    let running = true;
    const out: string[] = [];
    let sawFirst!: () => void;
    const first = new Promise<void>(r => (sawFirst = r));
    let sawThird!: () => void;
    const third = new Promise<void>(r => (sawThird = r));
    const done = readContainerLog(path, { timestamps: false, follow: true }, {
      write: async c => {
        out.push(c.toString());
        if (out.length === 1) sawFirst();
        if (out.join('').includes('third')) sawThird();
      },
    }, { running: async () => running, signal: new AbortController().signal, checkIntervalMs: 50 });
    await within(first, 10_000, 'the existing record was not streamed');
    // What the runtime wrote before the kubelet's rename, then the reopened file.
    appendFileSync(path, '2026-11-23T10:00:01Z stdout F second\n');
    renameSync(path, `${path}.20261123-100001`);
    writeFileSync(path, '2026-11-23T10:00:02Z stdout F third\n');
    await within(third, 10_000, 'the record of the new file was not streamed');
    running = false;
    await within(done, 10_000, 'follow did not end once the container stopped');
    assert.equal(out.join(''), 'first\nsecond\nthird\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('follow stops when the reader goes away', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-log-'));
  try {
    const path = join(dir, '0.log');
    writeFileSync(path, '');
    const ac = new AbortController();
    const done = readContainerLog(path, { timestamps: false, follow: true }, { write: async () => {} }, { running: async () => true, signal: ac.signal, checkIntervalMs: 50 });
    ac.abort();
    await within(done, 10_000, 'follow did not stop when the reader went away');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
