import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff, goDuration } from './backoff.js';

test('delays double from 10s to a 5 minute cap and print as Go durations', () => {
  let now = 0;
  const b = new Backoff(10_000, 300_000, () => now);
  const seen: string[] = [];
  for (let i = 0; i < 7; i++) {
    b.next('c', now);
    seen.push(goDuration(b.get('c')));
    now += 1000;
  }
  assert.deepEqual(seen, ['10s', '20s', '40s', '1m20s', '2m40s', '5m0s', '5m0s']);
});

test('a failure is in backoff until its delay passes; ten quiet minutes start over', () => {
  let now = 0;
  const b = new Backoff(10_000, 300_000, () => now);
  assert.equal(b.inBackoffSince('c', 0), false);
  b.next('c', 0);
  now = 5_000;
  assert.equal(b.inBackoffSince('c', 0), true);
  assert.equal(b.remaining('c', 0), 5_000);
  now = 10_000;
  assert.equal(b.inBackoffSince('c', 0), false);
  b.next('c', now);
  assert.equal(b.get('c'), 20_000);
  now += 600_001;
  b.next('c', now);
  assert.equal(b.get('c'), 10_000);
});
