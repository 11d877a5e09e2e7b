import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonEqual } from './json-equal.js';

test('jsonEqual: key order does not matter, array order and values do', () => {
  // A Job status as a controller builds it and as the decoder returns it, keys in another order.
  const computed = { active: 1, ready: 1, startTime: '2026-12-06T18:00:00Z', conditions: [{ type: 'Complete', status: 'False' }] };
  const stored = { startTime: '2026-12-06T18:00:00Z', conditions: [{ status: 'False', type: 'Complete' }], ready: 1, active: 1 };
  assert.notEqual(JSON.stringify(computed), JSON.stringify(stored));
  assert.equal(jsonEqual(computed, stored), true);
  assert.equal(jsonEqual({ ...stored, ready: 0 }, computed), false);
  assert.equal(jsonEqual({ a: [1, 2] }, { a: [2, 1] }), false);
  assert.equal(jsonEqual({ a: {} }, { a: [] }), false);
  assert.equal(jsonEqual({ a: null }, {}), false);
});

test('jsonEqual: a key holding undefined is absent, as in JSON', () => {
  assert.equal(jsonEqual({ active: undefined, ready: 1 }, { ready: 1 }), true);
  assert.equal(jsonEqual({ ready: 1 }, { ready: 1, failed: undefined }), true);
  assert.equal(jsonEqual({ a: undefined }, { b: 1 }), false);
});
