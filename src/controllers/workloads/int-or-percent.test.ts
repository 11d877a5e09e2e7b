import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidIntOrPercentError, resolveFenceposts, scaledValue } from './int-or-percent.js';

test('percentages scale against the total with the requested rounding', () => {
  assert.equal(scaledValue('25%', 10, true), 3);
  assert.equal(scaledValue('25%', 10, false), 2);
  assert.equal(scaledValue('100%', 7, false), 7);
  assert.equal(scaledValue(4, 10, true), 4);
  assert.equal(scaledValue('3', 10, true), 3);
  assert.throws(() => scaledValue('abc', 10, true), InvalidIntOrPercentError);
});

test('fenceposts: surge rounds up, unavailable rounds down, never both zero', () => {
  assert.deepEqual(resolveFenceposts('25%', '25%', 10), { surge: 3, unavailable: 2 });
  assert.deepEqual(resolveFenceposts('25%', '25%', 1), { surge: 1, unavailable: 0 });
  assert.deepEqual(resolveFenceposts(0, '10%', 5), { surge: 0, unavailable: 1 });
  assert.deepEqual(resolveFenceposts(0, 0, 5), { surge: 0, unavailable: 1 });
  assert.deepEqual(resolveFenceposts(2, 0, 5), { surge: 2, unavailable: 0 });
});
