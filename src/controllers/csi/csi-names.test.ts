import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attacherFinalizer, sanitizeDriverName } from './csi-names.js';

test('driver names become finalizer-safe as upstream sanitizes them', () => {
  assert.equal(sanitizeDriverName('hostpath.csi.k8s.io'), 'hostpath-csi-k8s-io');
  assert.equal(sanitizeDriverName('weird_driver.'), 'weird-driver-X');
  assert.equal(attacherFinalizer('hostpath.csi.k8s.io'), 'external-attacher/hostpath-csi-k8s-io');
});
