import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renewalTime } from './certificate-rotation.js';

test('renewal falls between 70% and 90% of the lifetime, as upstream\'s jittered deadline', () => {
  assert.equal(renewalTime(1000, 2000, 0), 1700);
  assert.equal(renewalTime(1000, 2000, 0.5), 1800);
  assert.ok(renewalTime(1000, 2000, 0.999999) < 1900);
});
