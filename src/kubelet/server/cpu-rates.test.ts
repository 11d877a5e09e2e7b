import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CpuRates } from './cpu-rates.js';

test('nanocores are the CPU time between two readings over the time between them', () => {
  const rates = new CpuRates();
  assert.equal(rates.rate('c', 1_000_000_000, 10_000), undefined);
  // 1.5 s of CPU in 2 s: 750 millicores.
  assert.equal(rates.rate('c', 2_500_000_000, 12_000), 750_000_000);
  // 100 ms later: too close to measure, the last rate stands.
  assert.equal(rates.rate('c', 2_590_000_000, 12_100), 750_000_000);
  // Measured from the reading the rate came from: 0.5 s of CPU in 1 s.
  assert.equal(rates.rate('c', 3_000_000_000, 13_000), 500_000_000);
});

test('a counter that went down starts over; forgotten keys start over', () => {
  const rates = new CpuRates();
  rates.rate('c', 5_000_000_000, 0);
  assert.equal(rates.rate('c', 1_000_000_000, 2000), undefined);
  assert.equal(rates.rate('c', 2_000_000_000, 4000), 500_000_000);
  rates.retain(new Set(['other']));
  assert.equal(rates.rate('c', 3_000_000_000, 6000), undefined);
});
