import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chownSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setVolumeOwnership } from './ownership.js';

test('fsGroup ownership: group and group rw on every file, setgid directories, links untouched; OnRootMismatch skips a matching root', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-own-'));
  try {
    mkdirSync(join(dir, 'a'), { mode: 0o700 });
    writeFileSync(join(dir, 'a', 'f'), 'x', { mode: 0o600 });
    symlinkSync('/etc/hostname', join(dir, 'link'));
    setVolumeOwnership(dir, 3000, false, undefined);
    const f = statSync(join(dir, 'a', 'f'));
    assert.equal(f.gid, 3000);
    assert.equal(f.mode & 0o777, 0o660);
    assert.equal(statSync(join(dir, 'a')).mode & 0o7777, 0o2770);
    assert.notEqual(statSync('/etc/hostname').gid, 3000, 'a symlink\'s target is not changed');

    // A root that already matches: OnRootMismatch leaves the (changed) contents alone; Always does not.
    chownSync(join(dir, 'a', 'f'), 0, 0);
    setVolumeOwnership(dir, 3000, false, 'OnRootMismatch');
    assert.equal(statSync(join(dir, 'a', 'f')).gid, 0);
    setVolumeOwnership(dir, 3000, false, 'Always');
    assert.equal(statSync(join(dir, 'a', 'f')).gid, 3000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
