import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { livePid, pidFileOf, processStartTime, removePidFile, writePidFile } from './pid-file.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-pid-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a PID file names this very process', () => {
  const file = pidFileOf(dir);
  writePidFile(file);
  assert.equal(livePid(file), process.pid);
  removePidFile(file);
  assert.equal(livePid(file), undefined);
});

test('a PID whose start time differs (reused by another process) or a malformed file names nobody', () => {
  const file = join(dir, 'other.pid');
  writeFileSync(file, `${process.pid} ${Number(processStartTime(process.pid)) + 1}\n`);
  assert.equal(livePid(file), undefined);
  writeFileSync(file, `${process.pid}\n`);
  assert.equal(livePid(file), undefined, 'no start time: not trusted');
  writeFileSync(file, 'garbage\n');
  assert.equal(livePid(file), undefined);
});
