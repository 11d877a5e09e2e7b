import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attachmentName, csiUniqueVolumeName } from './csi-volume-names.js';

test('VolumeAttachment names are csi- and the sha256 of handle, driver and node', () => {
  // printf 'vol-1hostpath.csi.k8s.ionode-a' | sha256sum
  assert.equal(attachmentName('vol-1', 'hostpath.csi.k8s.io', 'node-a'), 'csi-5a70c5de395ccad5e79daeb27c7c4f2634b675e6e1bb2a397999a016143bc9fb');
  assert.equal(csiUniqueVolumeName('hostpath.csi.k8s.io', 'vol-1'), 'kubernetes.io/csi/hostpath.csi.k8s.io^vol-1');
});
