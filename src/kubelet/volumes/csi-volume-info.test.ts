import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CSIDriver, PersistentVolume, PersistentVolumeClaim } from '../../api/types/generated.js';
import { attachmentName } from '../../api/csi-volume-names.js';
import { appliesFsGroup, csiAccessMode, inlineVolumeHandle, pendingNodeResize, pvVolumeCapability, stagingPath } from './csi-volume-info.js';

test('names: VolumeAttachment csi-<sha256(handle+driver+node)>, inline handle csi-<sha256(uid+volume)>, staging path', () => {
  assert.equal(attachmentName('vol-1', 'd.example.com', 'node-a'), 'csi-7405d2fa849678a3787716b8aba5f2a410fd6098d1e9d5885e361a1b83018520');
  assert.notEqual(attachmentName('vol-1', 'd.example.com', 'node-a'), attachmentName('vol-1', 'd.example.com', 'node-b'));
  assert.equal(inlineVolumeHandle('uid', 'v'), 'csi-805993d7c078d84a6cd26549afcb8ef6e4eefee1458b1f9ebaf9d6996efbf3e5');
  assert.match(stagingPath('/k/plugins/kubernetes.io~csi', 'd.example.com', 'vol-1'), /^\/k\/plugins\/kubernetes\.io~csi\/d\.example\.com\/[0-9a-f]{64}\/globalmount$/);
});

test('access modes: the PV\'s first mode in CSI terms, SINGLE_NODE_MULTI_WRITER when the driver has it', () => {
  assert.equal(csiAccessMode(['ReadWriteOnce'], false), 'SINGLE_NODE_WRITER');
  assert.equal(csiAccessMode(['ReadWriteOnce'], true), 'SINGLE_NODE_MULTI_WRITER');
  assert.equal(csiAccessMode(['ReadWriteOncePod'], true), 'SINGLE_NODE_SINGLE_WRITER');
  assert.equal(csiAccessMode(['ReadOnlyMany', 'ReadWriteOnce'], false), 'MULTI_NODE_READER_ONLY');
  assert.equal(csiAccessMode(['ReadWriteMany'], false), 'MULTI_NODE_MULTI_WRITER');
  const pv = { spec: { accessModes: ['ReadWriteOnce'], mountOptions: ['noatime'], csi: { driver: 'd', volumeHandle: 'h', fsType: 'ext4' } } } as PersistentVolume;
  assert.deepEqual(pvVolumeCapability(pv, false), { mount: { fsType: 'ext4', mountFlags: ['noatime'] }, accessMode: { mode: 'SINGLE_NODE_WRITER' } });
  assert.deepEqual(pvVolumeCapability({ spec: { ...pv.spec, volumeMode: 'Block' } } as PersistentVolume, false), { block: {}, accessMode: { mode: 'SINGLE_NODE_WRITER' } });
});

test('fsGroup by the CSIDriver\'s fsGroupPolicy', () => {
  const driver = (fsGroupPolicy?: string) => ({ metadata: { name: 'd' }, spec: { fsGroupPolicy } }) as CSIDriver;
  // Default ReadWriteOnceWithFSType: an fsType and ReadWriteOnce only.
  assert.equal(appliesFsGroup(undefined, 'ext4', ['ReadWriteOnce'], false), true);
  assert.equal(appliesFsGroup(driver(), '', ['ReadWriteOnce'], false), false);
  assert.equal(appliesFsGroup(driver(), 'ext4', ['ReadWriteMany'], false), false);
  assert.equal(appliesFsGroup(driver('File'), '', ['ReadWriteMany'], false), true);
  assert.equal(appliesFsGroup(driver('None'), 'ext4', ['ReadWriteOnce'], false), false);
  assert.equal(appliesFsGroup(driver('File'), 'ext4', ['ReadWriteOnce'], true), false, 'never on a read-only volume');
  assert.equal(appliesFsGroup(driver(), 'ext4', undefined, false), true, 'inline volumes have no access modes');
});

test('node resize pending: FileSystemResizePending (or NodeResizePending) → the PV\'s capacity in bytes', () => {
  const pv = { spec: { capacity: { storage: '64Mi' } } } as PersistentVolume;
  const claim = (status: PersistentVolumeClaim['status']) => ({ spec: {}, status }) as PersistentVolumeClaim;
  assert.equal(pendingNodeResize(claim({ capacity: { storage: '32Mi' } }), pv), undefined);
  assert.equal(pendingNodeResize(claim({ conditions: [{ type: 'FileSystemResizePending', status: 'True' }] }), pv), 64 * 1024 * 1024);
  assert.equal(pendingNodeResize(claim({ allocatedResourceStatuses: { storage: 'NodeResizePending' } }), pv), 64 * 1024 * 1024);
});
