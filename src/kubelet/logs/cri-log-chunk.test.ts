import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCriChunk } from './cri-log-chunk.js';

const T1 = '2026-12-06T10:00:00.123456789Z';
const T2 = '2026-12-06T10:00:01.5Z';
const ms = (t: string) => Date.parse(t);

test('whole records become lines without their newline; the offset ends after the last one', () => {
  const text = `${T1} stdout F hello world\n${T2} stderr F oops\n${T2} stdout F half`;
  const r = parseCriChunk(Buffer.from(text));
  assert.deepEqual(r.lines, [
    { timeMs: ms('2026-12-06T10:00:00.123Z'), stream: 'stdout', line: 'hello world' },
    { timeMs: ms(T2), stream: 'stderr', line: 'oops' },
  ]);
  assert.equal(r.consumed, text.lastIndexOf('\n') + 1);
});

test('partial records are joined with the record that ends them, at the first record\'s time', () => {
  const text = `${T1} stdout P abc\n${T2} stdout P déf\n${T2} stdout F ghi\n`;
  const r = parseCriChunk(Buffer.from(text));
  assert.deepEqual(r.lines, [{ timeMs: ms('2026-12-06T10:00:00.123Z'), stream: 'stdout', line: 'abcdéfghi' }]);
  assert.equal(r.consumed, Buffer.byteLength(text));
});

test('a line whose last record is not written yet is left for the next read', () => {
  const first = `${T1} stdout F one\n`;
  const r = parseCriChunk(Buffer.from(`${first}${T2} stdout P two-a\n`));
  assert.deepEqual(r.lines.map(l => l.line), ['one']);
  assert.equal(r.consumed, first.length);
});

test('forceProgress ends a line longer than the chunk at the chunk\'s last record', () => {
  const text = `${T1} stdout P aaa\n${T1} stdout P bbb\n${T1} stdout P cc`;
  assert.deepEqual(parseCriChunk(Buffer.from(text)), { lines: [], consumed: 0 });
  const r = parseCriChunk(Buffer.from(text), { forceProgress: true });
  assert.deepEqual(r.lines.map(l => l.line), ['aaabbb']);
  assert.equal(r.consumed, text.lastIndexOf('\n') + 1);
});

test('unparsable records are skipped and consumed; maxLines stops early', () => {
  const text = `garbage\n${T1} stdout F a\n${T1} stdout F b\n`;
  const r = parseCriChunk(Buffer.from(text), { maxLines: 1 });
  assert.deepEqual(r.lines.map(l => l.line), ['a']);
  assert.equal(r.consumed, `garbage\n${T1} stdout F a\n`.length);
});
