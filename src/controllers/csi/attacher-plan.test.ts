import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { VolumeAttachment } from '../../api/types/generated.js';
import { AttachError, csiNodeId, csiSourceOf, planAttacher } from './attacher-plan.js';

const D = 'hostpath.csi.k8s.io';
const F = 'external-attacher/hostpath-csi-k8s-io';
const va = (meta: VolumeAttachment['metadata'] = {}, status?: VolumeAttachment['status'], attacher = D): VolumeAttachment => ({
  metadata: { name: 'csi-x', ...meta }, spec: { attacher, nodeName: 'n1', source: { persistentVolumeName: 'pv1' } }, status,
});

test('attach: finalizer first, then ControllerPublish, then nothing', () => {
  assert.deepEqual(planAttacher(va(), D), { action: 'addFinalizer' });
  assert.deepEqual(planAttacher(va({ finalizers: [F] }), D), { action: 'attach', pvName: 'pv1' });
  assert.deepEqual(planAttacher(va({ finalizers: [F] }, { attached: true }), D), { action: 'none' });
  assert.deepEqual(planAttacher(va({}, undefined, 'other'), D), { action: 'none' });
});

test('detach: ControllerUnpublish for an attached volume, only the finalizer for one never attached', () => {
  const deleting = { finalizers: [F], deletionTimestamp: '2026-01-01T00:00:00Z' };
  assert.deepEqual(planAttacher(va(deleting, { attached: true }), D), { action: 'detach', pvName: 'pv1' });
  assert.deepEqual(planAttacher(va(deleting, { attached: false }), D), { action: 'removeFinalizer' });
  assert.deepEqual(planAttacher(va({ deletionTimestamp: '2026-01-01T00:00:00Z' }, { attached: true }), D), { action: 'none' });
});

test('the node id comes from CSINode; the PV must be this driver\'s CSI volume', () => {
  const csiNode = { metadata: { name: 'n1' }, spec: { drivers: [{ name: D, nodeID: 'node-id-1' }] } };
  assert.equal(csiNodeId(csiNode, 'n1', D), 'node-id-1');
  assert.throws(() => csiNodeId(undefined, 'n1', D), /CSINode n1 does not contain driver hostpath.csi.k8s.io/);
  assert.throws(() => csiSourceOf(undefined, 'pv1', D), AttachError);
  assert.throws(() => csiSourceOf({ spec: { hostPath: { path: '/x' } } }, 'pv1', D), /not a CSI volume/);
  assert.equal(csiSourceOf({ spec: { csi: { driver: D, volumeHandle: 'v' } } }, 'pv1', D).volumeHandle, 'v');
});
