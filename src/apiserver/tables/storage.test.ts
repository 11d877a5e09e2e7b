import assert from 'node:assert/strict';
import { test } from 'node:test';
import { columns, row } from './testing.js';

test('persistent volume columns and cells', () => {
  assert.deepEqual(columns('', 'persistentvolumes'), [
    'Name:string:name:0', 'Capacity:string::0', 'Access Modes:string::0', 'Reclaim Policy:string::0', 'Status:string::0', 'Claim:string::0',
    'StorageClass:string::0', 'VolumeAttributesClass:string::0', 'Reason:string::0', 'Age:string::0', 'VolumeMode:string::1',
  ]);
  const r = row('', 'persistentvolumes', {
    metadata: { name: 'pv1' },
    spec: { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', claimRef: { namespace: 'ns', name: 'data' }, storageClassName: 'fast', volumeMode: 'Filesystem' },
    status: { phase: 'Bound' },
  });
  assert.deepEqual([r.Capacity, r['Access Modes'], r['Reclaim Policy'], r.Status, r.Claim, r.StorageClass, r.VolumeAttributesClass, r.VolumeMode], ['10Gi', 'RWO,RWX', 'Retain', 'Bound', 'ns/data', 'fast', '<unset>', 'Filesystem']);
});

test('claims show capacity and modes only once bound', () => {
  const pending = row('', 'persistentvolumeclaims', { metadata: { name: 'c' }, spec: { storageClassName: 'fast', resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Pending' } });
  assert.deepEqual([pending.Status, pending.Volume, pending.Capacity, pending['Access Modes'], pending.StorageClass], ['Pending', '', '', '', 'fast']);
  const bound = row('', 'persistentvolumeclaims', { metadata: { name: 'c', deletionTimestamp: '2024-05-01T11:00:00Z' }, spec: { volumeName: 'pv1' }, status: { phase: 'Bound', capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'] } });
  assert.deepEqual([bound.Status, bound.Volume, bound.Capacity, bound['Access Modes']], ['Terminating', 'pv1', '5Gi', 'RWO']);
});

test('storage classes mark the default and fill defaults', () => {
  const r = row('storage.k8s.io', 'storageclasses', { metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'rancher.io/local-path' });
  assert.deepEqual([r.Name, r.Provisioner, r.ReclaimPolicy, r.VolumeBindingMode, r.AllowVolumeExpansion], ['standard (default)', 'rancher.io/local-path', 'Delete', 'Immediate', false]);
});

test('CSI drivers default attachRequired to true', () => {
  const r = row('storage.k8s.io', 'csidrivers', { metadata: { name: 'csi.example' }, spec: { volumeLifecycleModes: ['Persistent', 'Ephemeral'] } });
  assert.deepEqual([r.AttachRequired, r.PodInfoOnMount, r.StorageCapacity, r.TokenRequests, r.RequiresRepublish, r.Modes], [true, false, false, '<unset>', false, 'Persistent,Ephemeral']);
});

test('volume attachments and CSI storage capacities', () => {
  const va = row('storage.k8s.io', 'volumeattachments', { metadata: { name: 'va' }, spec: { attacher: 'csi.example', nodeName: 'n1', source: { persistentVolumeName: 'pv1' } }, status: { attached: true } });
  assert.deepEqual([va.Attacher, va.PV, va.Node, va.Attached], ['csi.example', 'pv1', 'n1', true]);
  assert.deepEqual(columns('storage.k8s.io', 'csistoragecapacities'), ['Name:string:name:0', 'StorageClassName:string::0', 'Capacity:string::0']);
  assert.equal(row('storage.k8s.io', 'csistoragecapacities', { metadata: { name: 'cap' }, storageClassName: 'fast' }).Capacity, '<unset>');
});
