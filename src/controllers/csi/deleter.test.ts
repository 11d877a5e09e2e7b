import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deletingDriver } from './deleter.js';
import type { PersistentVolume } from './types.js';

const D = 'hostpath.csi.k8s.io';
const F = 'external-provisioner.volume.kubernetes.io/finalizer';
const pv = (phase: string, policy: string, meta: Partial<PersistentVolume['metadata']> = {}, driver = D): PersistentVolume => ({
  metadata: { name: 'pv1', annotations: { 'pv.kubernetes.io/provisioned-by': D }, ...meta },
  spec: { persistentVolumeReclaimPolicy: policy, csi: { driver, volumeHandle: 'v' } },
  status: { phase },
});

test('a Released PV with reclaim Delete that the driver provisioned is the driver\'s to delete', () => {
  assert.equal(deletingDriver(pv('Released', 'Delete')), D);
  assert.equal(deletingDriver(pv('Bound', 'Delete')), undefined);
  assert.equal(deletingDriver(pv('Released', 'Retain')), undefined);
  assert.equal(deletingDriver(pv('Released', 'Delete', {}, 'other.csi')), undefined);
  assert.equal(deletingDriver(pv('Released', 'Delete', { annotations: {} })), undefined);
});

test('a PV deleted by hand is still deleted at the driver while the provisioner\'s finalizer holds it', () => {
  const deleted = '2026-01-01T00:00:00Z';
  assert.equal(deletingDriver(pv('Released', 'Delete', { deletionTimestamp: deleted, finalizers: [F] })), D);
  assert.equal(deletingDriver(pv('Released', 'Delete', { deletionTimestamp: deleted, finalizers: ['kubernetes.io/pv-protection'] })), undefined);
});
