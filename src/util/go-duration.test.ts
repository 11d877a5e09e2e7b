import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goDurationString } from './go-duration.js';

test('durations print as Go prints time.Duration', () => {
  assert.equal(goDurationString(0), '0s');
  assert.equal(goDurationString(15_000), '15s');
  assert.equal(goDurationString(15_002.5), '15.0025s');
  assert.equal(goDurationString(60_000), '1m0s');
  assert.equal(goDurationString(80_500), '1m20.5s');
  assert.equal(goDurationString(3_723_000), '1h2m3s');
  assert.equal(goDurationString(250), '250ms');
  assert.equal(goDurationString(1.5), '1.5ms');
  assert.equal(goDurationString(0.002), '2µs');
  assert.equal(goDurationString(-1500), '-1.5s');
});
