import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareVersions, highestSupportedVersion, parseVersion } from './registration-handler.js';

test('CSI versions: parsed generically, the highest 1.x chosen, others refused', () => {
  assert.deepEqual(parseVersion('1.0.0'), [1, 0, 0]);
  assert.deepEqual(parseVersion('v1.2'), [1, 2, 0]);
  assert.equal(parseVersion('one'), undefined);
  assert.ok(compareVersions([1, 2, 0], [1, 10, 0]) < 0);
  assert.deepEqual(highestSupportedVersion(['0.3.0', '1.0.0', '1.5.2', 'x']), [1, 5, 2]);
  assert.match(String(highestSupportedVersion(['0.3.0', '2.0.0'])), /none of the CSI versions reported by this driver are supported/);
});
