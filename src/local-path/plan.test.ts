import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOCAL_PATH_STORAGE_CLASS } from '../api/local-path-class.js';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../api/volume-binding.js';
import { planDelete, planProvision, planResize } from './plan.js';

const sc = structuredClone(LOCAL_PATH_STORAGE_CLASS) as unknown as StorageClass;

function claim(o: { node?: string; provisioner?: string; modes?: string[]; size?: string; volumeName?: string } = {}): PersistentVolumeClaim {
  const annotations: Record<string, string> = { 'volume.kubernetes.io/storage-provisioner': o.provisioner ?? 'rancher.io/local-path' };
  if (o.node) annotations['volume.kubernetes.io/selected-node'] = o.node;
  return {
    metadata: { name: 'data-web-0', namespace: 'shop', uid: 'u1', resourceVersion: '7', annotations },
    spec: { storageClassName: 'local-path', accessModes: o.modes ?? ['ReadWriteOnce'], resources: { requests: { storage: o.size ?? '1Gi' } }, volumeName: o.volumeName },
    status: o.volumeName ? { phase: 'Bound', capacity: { storage: '1Gi' } } : { phase: 'Pending' },
  };
}

test('provision: only claims of rancher.io/local-path placed on this node; directory and PV as k3s makes them', () => {
  assert.equal(planProvision(claim({ node: 'other' }), sc, 'n1', '/data/storage').kind, 'none');
  assert.equal(planProvision(claim({ node: 'n1', provisioner: 'csi.example.com' }), sc, 'n1', '/data/storage').kind, 'none');
  assert.equal(planProvision(claim({}), sc, 'n1', '/data/storage').kind, 'none', 'no node selected yet');
  const d = planProvision(claim({ node: 'n1' }), sc, 'n1', '/data/storage');
  assert.equal(d.kind, 'provision');
  if (d.kind !== 'provision') return;
  assert.equal(d.dir, '/data/storage/pvc-u1_shop_data-web-0');
  assert.equal(d.pv.metadata?.name, 'pvc-u1');
  assert.equal(d.pv.metadata?.annotations?.['pv.kubernetes.io/provisioned-by'], 'rancher.io/local-path');
  assert.deepEqual(d.pv.spec?.claimRef, { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: 'shop', name: 'data-web-0', uid: 'u1', resourceVersion: '7' });
  assert.equal(d.pv.spec?.persistentVolumeReclaimPolicy, 'Delete');
  assert.deepEqual(d.pv.spec?.hostPath, { path: d.dir, type: 'DirectoryOrCreate' });
  assert.deepEqual(d.pv.spec?.nodeAffinity?.required?.nodeSelectorTerms, [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }] }]);
  assert.equal(planProvision(claim({ node: 'n1', volumeName: 'pvc-u1' }), sc, 'n1', '/data/storage').kind, 'none', 'already bound');
});

test('provision: refusals become messages (ProvisioningFailed)', () => {
  const rwx = planProvision(claim({ node: 'n1', modes: ['ReadWriteMany'] }), sc, 'n1', '/s');
  assert.deepEqual(rwx, { kind: 'fail', message: 'a node-local volume supports only the ReadWriteOnce and ReadWriteOncePod access modes, not ReadWriteMany' });
  assert.deepEqual(planProvision(claim({ node: 'n1' }), undefined, 'n1', '/s'), { kind: 'fail', message: 'storageclass.storage.k8s.io "local-path" not found' });
});

function ourPV(o: { phase?: string; reclaim?: string; path?: string; size?: string } = {}): PersistentVolume {
  const d = planProvision(claim({ node: 'n1' }), { ...sc, reclaimPolicy: o.reclaim ?? 'Delete' }, 'n1', '/data/storage');
  if (d.kind !== 'provision') throw new Error('no PV');
  const pv = d.pv;
  if (o.path) pv.spec!.hostPath!.path = o.path;
  if (o.size) pv.spec!.capacity = { storage: o.size };
  return { ...pv, status: { phase: o.phase ?? 'Bound' } };
}

test('delete: a Released PV of ours with Delete loses its directory; never a path outside the storage dir', () => {
  assert.equal(planDelete(ourPV(), 'n1', '/data/storage').kind, 'none', 'still bound');
  assert.equal(planDelete(ourPV({ phase: 'Released', reclaim: 'Retain' }), 'n1', '/data/storage').kind, 'none');
  assert.equal(planDelete(ourPV({ phase: 'Released' }), 'n2', '/data/storage').kind, 'none', 'another node\'s volume');
  assert.deepEqual(planDelete(ourPV({ phase: 'Released' }), 'n1', '/data/storage'), { kind: 'delete', dir: '/data/storage/pvc-u1_shop_data-web-0' });
  const evil = planDelete(ourPV({ phase: 'Released', path: '/etc' }), 'n1', '/data/storage');
  assert.equal(evil.kind, 'fail');
});

test('resize: a larger request grows the PV, then the claim status', () => {
  assert.deepEqual(planResize(claim({ volumeName: 'pvc-u1', size: '1Gi' }), ourPV(), 'n1'), { kind: 'none' });
  assert.deepEqual(planResize(claim({ volumeName: 'pvc-u1', size: '2Gi' }), ourPV(), 'n1'), { kind: 'resize', size: '2Gi', pvNeedsUpdate: true });
  assert.deepEqual(planResize(claim({ volumeName: 'pvc-u1', size: '2Gi' }), ourPV({ size: '2Gi' }), 'n1'), { kind: 'resize', size: '2Gi', pvNeedsUpdate: false });
  assert.deepEqual(planResize(claim({ volumeName: 'pvc-u1', size: '2Gi' }), ourPV(), 'n2'), { kind: 'none' });
});
