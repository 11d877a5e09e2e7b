import assert from 'node:assert/strict';
import { test } from 'node:test';
import { durationFlagMs, FlagError } from './flags.js';

const ms = (value: string) => durationFlagMs({ ttl: value }, 'ttl');
const refused = (value: string, message: string) =>
  assert.throws(() => ms(value), (err: unknown) => err instanceof FlagError && err.message === message);

test('duration flags are Go durations, in milliseconds', () => {
  assert.equal(ms('2s'), 2000);
  assert.equal(ms('500ms'), 500);
  assert.equal(ms('1h30m'), 5_400_000);
  assert.equal(ms('1.5h'), 5_400_000);
  assert.equal(ms('0'), 0);
});

test('a bare number other than 0 or a negative duration is refused, with the flag named', () => {
  refused('30', 'invalid value "30" for --ttl: time: missing unit in duration "30"');
  refused('5 m', 'invalid value "5 m" for --ttl: time: unknown unit " m" in duration "5 m"');
  refused('-1s', 'invalid value "-1s" for --ttl: must not be negative');
});
