import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFlags } from './flags.js';
import { signingDurationFlag, signingDurationSeconds } from './signing-duration-flag.js';

const seconds = (args: string[]) => signingDurationSeconds(parseFlags(args, { 'cluster-signing-duration': signingDurationFlag }).flags);

test('--cluster-signing-duration is a Go duration of at least 1s, a year by default', () => {
  assert.equal(seconds([]), 365 * 24 * 3600);
  assert.equal(seconds(['--cluster-signing-duration', '720h']), 720 * 3600);
  assert.equal(seconds(['--cluster-signing-duration=1.5s']), 1);
  assert.throws(() => seconds(['--cluster-signing-duration', '31536000']), /missing unit in duration "31536000"/);
  assert.throws(() => seconds(['--cluster-signing-duration', '500ms']), /--cluster-signing-duration: must be at least 1s/);
});
