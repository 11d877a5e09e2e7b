import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextLeaseRenewalMs } from './node-lease.js';

test('lease renewal: the interval after a success, 200 ms doubling to 7 s after failures', () => {
  assert.equal(nextLeaseRenewalMs(10_000, 0), 10_000);
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 20].map(f => nextLeaseRenewalMs(10_000, f)), [200, 400, 800, 1600, 3200, 6400, 7000, 7000]);
});
