import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CsrObject } from '../../api/csr.js';
import { APPROVED_EXPIRATION_MS, DENIED_EXPIRATION_MS, PENDING_EXPIRATION_MS, removeAt } from './cleaner.js';

const created = '2026-01-01T00:00:00Z';
const t0 = Date.parse(created);
const csr = (status?: CsrObject['status']) => ({ metadata: { name: 'c', creationTimestamp: created }, spec: { request: '', signerName: 'a.b/c' }, status }) as CsrObject;

test('pending a day, denied or failed an hour after the condition', () => {
  assert.equal(removeAt(csr()), t0 + PENDING_EXPIRATION_MS);
  assert.equal(removeAt(csr({ conditions: [{ type: 'Denied', status: 'True', lastUpdateTime: '2026-01-01T01:00:00Z' }] })), t0 + 3600_000 + DENIED_EXPIRATION_MS);
  assert.equal(removeAt(csr({ conditions: [{ type: 'Failed', status: 'True', lastUpdateTime: '2026-01-01T02:00:00Z' }] })), t0 + 7200_000 + DENIED_EXPIRATION_MS);
  // Approved but never issued: still pending for the cleaner.
  assert.equal(removeAt(csr({ conditions: [{ type: 'Approved', status: 'True', lastUpdateTime: created }] })), t0 + PENDING_EXPIRATION_MS);
});

test('issued: an hour after approval (or when the certificate expires, if sooner)', () => {
  const garbage = Buffer.from('not a certificate').toString('base64');
  const at = removeAt(csr({ certificate: garbage, conditions: [{ type: 'Approved', status: 'True', lastUpdateTime: created }] }));
  assert.ok(at <= t0 + APPROVED_EXPIRATION_MS);
});
