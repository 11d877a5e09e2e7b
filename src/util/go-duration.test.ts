import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GoDurationError, goDurationString, parseGoDuration } from './go-duration.js';

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

test('durations parse as Go\'s time.ParseDuration, in nanoseconds', () => {
  assert.equal(parseGoDuration('1h30m'), 5_400_000_000_000n);
  assert.equal(parseGoDuration('1.5h'), 5_400_000_000_000n);
  assert.equal(parseGoDuration('2m0.5s'), 120_500_000_000n);
  assert.equal(parseGoDuration('300ms'), 300_000_000n);
  assert.equal(parseGoDuration('1µs1ns'), 1001n);
  assert.equal(parseGoDuration('-2m'), -120_000_000_000n);
  assert.equal(parseGoDuration('+.5s'), 500_000_000n);
  assert.equal(parseGoDuration('0'), 0n);
});

test('texts Go rejects throw its messages', () => {
  const rejects = (text: string, message: string) =>
    assert.throws(() => parseGoDuration(text), (e: unknown) => e instanceof GoDurationError && e.message === message, text);
  rejects('', 'time: invalid duration ""');
  rejects('s', 'time: invalid duration "s"');
  rejects('10', 'time: missing unit in duration "10"');
  rejects('1s2', 'time: missing unit in duration "1s2"');
  rejects('1x', 'time: unknown unit "x" in duration "1x"');
  rejects('3000000h', 'time: invalid duration "3000000h"');
});
