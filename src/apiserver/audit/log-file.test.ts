import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RotatingLogFile } from './log-file.js';

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'audit-log-'));
  try { fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

const line = (n: number) => `${JSON.stringify({ n, pad: 'x'.repeat(200_000) })}\n`; // ~200 KB

test('rotates by size with lumberjack\'s backup names, keeping the newest maxbackup', () => withDir(dir => {
  let clock = Date.parse('2026-01-02T03:04:05.678Z');
  const path = join(dir, 'logs', 'audit.log');
  const log = new RotatingLogFile(path, { maxSizeMB: 1, maxBackups: 2, maxAgeDays: 0, now: () => new Date(clock += 1000) });
  assert.equal(statSync(path).mode & 0o777, 0o600);
  for (let i = 0; i < 16; i++) log.write(line(i));
  log.close();
  const names = readdirSync(join(dir, 'logs')).sort();
  // 5 lines (~1 MB) per file: 16 lines made 3 rotations; the oldest backup is gone.
  assert.deepEqual(names, ['audit-2026-01-02T03-04-07.678.log', 'audit-2026-01-02T03-04-08.678.log', 'audit.log']);
  for (const n of names) assert.ok(statSync(join(dir, 'logs', n)).size <= 1024 * 1024);
  const current = readFileSync(path, 'utf8').trim().split('\n').map(l => JSON.parse(l).n);
  assert.deepEqual(current, [15]);
  const newest = readFileSync(join(dir, 'logs', names[1]), 'utf8').trim().split('\n').map(l => JSON.parse(l).n);
  assert.deepEqual(newest, [10, 11, 12, 13, 14]);
}));

test('maxage removes backups older than that many days, by the time in their names', () => withDir(dir => {
  const path = join(dir, 'audit.json');
  writeFileSync(join(dir, 'audit-2025-12-20T00-00-00.000.json'), 'old\n');
  writeFileSync(join(dir, 'audit-2026-01-01T12-00-00.000.json'), 'recent\n');
  writeFileSync(join(dir, 'audit-notatime.json'), 'kept: not a backup name\n');
  const log = new RotatingLogFile(path, { maxSizeMB: 1, maxBackups: 0, maxAgeDays: 3, now: () => new Date('2026-01-02T00:00:00.000Z') });
  for (let i = 0; i < 6; i++) log.write(line(i));
  log.close();
  assert.deepEqual(readdirSync(dir).sort(), ['audit-2026-01-01T12-00-00.000.json', 'audit-2026-01-02T00-00-00.000.json', 'audit-notatime.json', 'audit.json']);
}));

test('an existing file is appended to, and counts toward the size', () => withDir(dir => {
  const path = join(dir, 'audit.log');
  writeFileSync(path, 'x'.repeat(1024 * 1024 - 10));
  const log = new RotatingLogFile(path, { maxSizeMB: 1, maxBackups: 0, maxAgeDays: 0, now: () => new Date('2026-03-04T05:06:07.089Z') });
  log.write('{"a":1}\n');
  log.write('{"b":2}\n');
  log.close();
  assert.equal(readFileSync(path, 'utf8'), '{"b":2}\n');
  assert.ok(readFileSync(join(dir, 'audit-2026-03-04T05-06-07.089.log'), 'utf8').endsWith('x{"a":1}\n'));
  assert.throws(() => new RotatingLogFile(path, { maxSizeMB: 1, maxBackups: 0, maxAgeDays: 0 }).write('y'.repeat(2 * 1024 * 1024)), /write length 2097152 exceeds maximum file size 1048576/);
}));
