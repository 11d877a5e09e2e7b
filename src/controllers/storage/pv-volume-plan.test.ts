import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PersistentVolume, PersistentVolumeClaim } from '../../api/volume-binding.js';
import { planVolume, volumeBoundTo, volumeUnbound } from './pv-volume-plan.js';

const pv = (spec: Record<string, unknown> = {}, annotations?: Record<string, string>, phase = 'Bound'): PersistentVolume => ({
  apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'v', ...(annotations ? { annotations } : {}) },
  spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', claimRef: { namespace: 'ns', name: 'data', uid: 'u1' }, ...spec },
  status: { phase },
});
const pvc = (volumeName?: string, spec: Record<string, unknown> = {}): PersistentVolumeClaim => ({
  apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'ns', uid: 'u1' }, spec: { ...(volumeName ? { volumeName } : {}), ...spec },
});

test('free and reserved volumes are Available; a bound pair is Bound', () => {
  assert.deepEqual(planVolume(pv({ claimRef: undefined }), undefined), { phases: [{ phase: 'Available' }] });
  assert.deepEqual(planVolume(pv({ claimRef: { namespace: 'ns', name: 'data' } }), undefined), { phases: [{ phase: 'Available' }] });
  assert.deepEqual(planVolume(pv(), pvc('v')), { phases: [{ phase: 'Bound' }] });
  assert.deepEqual(planVolume(pv(), pvc()), { phases: [], syncClaim: true }, 'the claim finishes the binding');
});

test('a volume whose claim is gone is Released, then reclaimed by its policy', () => {
  assert.deepEqual(planVolume(pv(), undefined), { phases: [{ phase: 'Released' }] });
  assert.deepEqual(planVolume(pv({}, undefined, 'Released'), undefined), { phases: [] });
  assert.deepEqual(planVolume(pv({ persistentVolumeReclaimPolicy: 'Delete' }, { 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' }), undefined),
    { phases: [{ phase: 'Released' }] }, 'its provisioner deletes it');
  const msg = 'error getting deleter volume plugin for volume "v": no deletable volume plugin matched';
  assert.deepEqual(planVolume(pv({ persistentVolumeReclaimPolicy: 'Delete' }), undefined),
    { phases: [{ phase: 'Released' }, { phase: 'Failed', message: msg, event: { type: 'Warning', reason: 'VolumeFailedDelete', message: msg } }] });
  const recycle = planVolume(pv({ persistentVolumeReclaimPolicy: 'Recycle' }, undefined, 'Failed'), undefined);
  assert.deepEqual(recycle.phases, [{ phase: 'Failed', message: 'No recycler plugin found for the volume!', event: { type: 'Warning', reason: 'VolumeFailedRecycle', message: 'No recycler plugin found for the volume!' } }]);
});

test('a volume whose claim bound elsewhere is let go', () => {
  assert.deepEqual(planVolume(pv({}, { 'pv.kubernetes.io/bound-by-controller': 'yes' }), pvc('other')), { unbind: 'claimRef', phases: [{ phase: 'Available' }] });
  assert.deepEqual(planVolume(pv(), pvc('other')), { unbind: 'uid', phases: [{ phase: 'Available' }] }, 'a user\'s pre-binding stays');
  assert.equal(planVolume(pv({ persistentVolumeReclaimPolicy: 'Delete' }, { 'pv.kubernetes.io/provisioned-by': 'x' }), pvc('other')).phases[0].phase, 'Released');
  assert.equal(planVolume(pv({ volumeMode: 'Block' }), pvc()).claimEvent?.reason, 'VolumeMismatch');
});

test('binding and unbinding a volume', () => {
  const free = pv({ claimRef: undefined }, undefined, 'Available');
  const ref = { kind: 'PersistentVolumeClaim', namespace: 'ns', name: 'data', uid: 'u1', apiVersion: 'v1' };
  const bound = volumeBoundTo(free, pvc(), ref)!;
  assert.deepEqual(bound.spec?.claimRef, ref);
  assert.equal(bound.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');
  assert.equal(volumeBoundTo(bound, pvc(), ref), undefined);
  const reserved = volumeBoundTo(pv({ claimRef: { namespace: 'ns', name: 'data' } }), pvc(), ref)!;
  assert.equal(reserved.metadata.annotations, undefined, 'a user\'s pre-binding is not the controller\'s');
  assert.equal(volumeUnbound(bound, 'claimRef').spec?.claimRef, undefined);
  assert.equal(volumeUnbound(bound, 'claimRef').metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], undefined);
  assert.deepEqual(volumeUnbound(pv(), 'uid').spec?.claimRef, { namespace: 'ns', name: 'data' });
});
