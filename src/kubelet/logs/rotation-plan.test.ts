import assert from 'node:assert/strict';
import { test } from 'node:test';
import { needsRotation, planRotation, rotationTimestamp } from './rotation-plan.js';

const policy = { maxSizeBytes: 10 * 1024 * 1024, maxFiles: 5 };
const now = new Date(Date.UTC(2026, 11, 6, 9, 5, 7));
const live = '/var/log/pods/ns_p_u/c/0.log';

test('rotation timestamp uses Go layout 20060102-150405 in UTC', () => {
  assert.equal(rotationTimestamp(now), '20261206-090507');
});

test('rotates once the live log reaches the maximum size', () => {
  assert.equal(needsRotation(policy.maxSizeBytes - 1, policy), false);
  assert.equal(needsRotation(policy.maxSizeBytes, policy), true);
});

test('first rotation renames the live log and has nothing else to do', () => {
  assert.deepEqual(planRotation(live, [], policy, now), { removeUnused: [], removeExcess: [], compress: [], rotateTo: `${live}.20261206-090507` });
});

test('older rotated files are compressed; compressed ones are left alone', () => {
  const p = planRotation(live, [`${live}.20261206-080000.gz`, `${live}.20261206-090000`], policy, now);
  assert.deepEqual(p.compress, [`${live}.20261206-090000`]);
  assert.deepEqual(p.removeExcess, []);
});

test('keeps maxFiles - 2 rotated files, removing the oldest first', () => {
  const sib = ['01', '02', '03', '04', '05'].map(m => `${live}.20261206-0${m}000.gz`).reverse();
  const p = planRotation(live, sib, policy, now);
  assert.deepEqual(p.removeExcess, [`${live}.20261206-001000.gz`, `${live}.20261206-002000.gz`]);
  assert.deepEqual(p.compress, []);
});

test('maxFiles 2 keeps no rotated file from before', () => {
  const p = planRotation(live, [`${live}.20261206-080000`], { ...policy, maxFiles: 2 }, now);
  assert.deepEqual(p.removeExcess, [`${live}.20261206-080000`]);
  assert.deepEqual(p.compress, []);
});

test('temporary files and uncompressed copies of compressed files are removed', () => {
  const sib = [`${live}.20261206-080000`, `${live}.20261206-080000.gz`, `${live}.20261206-085000.gz.tmp`];
  const p = planRotation(live, sib, policy, now);
  assert.deepEqual(p.removeUnused.sort(), [`${live}.20261206-080000`, `${live}.20261206-085000.gz.tmp`]);
  assert.deepEqual(p.compress, []);
});
