import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../api/volume-binding.js';
import { claimBoundTo, claimStatusFor, planClaim, type ClaimView } from './pv-claim-plan.js';

const pv = (name: string, size: string, extra: Record<string, unknown> = {}): PersistentVolume => ({
  apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name }, spec: { capacity: { storage: size }, accessModes: ['ReadWriteOnce'], ...extra }, status: { phase: 'Available' },
});
const pvc = (spec: Record<string, unknown> = {}, annotations?: Record<string, string>): PersistentVolumeClaim => ({
  apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'ns', uid: 'u1', ...(annotations ? { annotations } : {}) },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec }, status: { phase: 'Pending' },
});
const sc = (name: string, provisioner: string, volumeBindingMode = 'Immediate'): StorageClass => ({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name }, provisioner, volumeBindingMode });
function view(volumes: PersistentVolume[] = [], classes: StorageClass[] = [], unscheduledPods: string[] = []): ClaimView {
  return { volumes, volume: n => volumes.find(v => v.metadata.name === n), storageClass: n => classes.find(c => c.metadata.name === n), unscheduledPods };
}

test('an unbound claim binds a fitting volume, or waits with the reason upstream gives', () => {
  const vol = pv('v1', '2Gi');
  assert.deepEqual(planClaim(pvc(), view([vol])), { action: 'bind', volume: vol });
  assert.deepEqual(planClaim(pvc(), view()), { action: 'pending', event: { type: 'Normal', reason: 'FailedBinding', message: 'no persistent volumes available for this claim and no storage class is set' } });
  assert.deepEqual(planClaim(pvc({ storageClassName: 'gone' }), view()), { action: 'pending', event: { type: 'Warning', reason: 'ProvisioningFailed', message: 'storageclass.storage.k8s.io "gone" not found' } });
  assert.deepEqual(planClaim(pvc({ storageClassName: 'local' }), view([], [sc('local', 'kubernetes.io/no-provisioner')])),
    { action: 'pending', event: { type: 'Warning', reason: 'ProvisioningFailed', message: 'no volume plugin matched name: kubernetes.io/no-provisioner' } });
  const ext = planClaim(pvc({ storageClassName: 'lp' }), view([], [sc('lp', 'rancher.io/local-path')]));
  assert.equal(ext.action, 'provision');
  assert.equal(ext.action === 'provision' && ext.provisioner, 'rancher.io/local-path');
});

test('WaitForFirstConsumer waits for the scheduler\'s node, then provisions there', () => {
  const classes = [sc('lp', 'rancher.io/local-path', 'WaitForFirstConsumer')];
  assert.deepEqual(planClaim(pvc({ storageClassName: 'lp' }), view([pv('free', '5Gi', { storageClassName: 'lp' })], classes)),
    { action: 'pending', event: { type: 'Normal', reason: 'WaitForFirstConsumer', message: 'waiting for first consumer to be created before binding' } });
  assert.deepEqual(planClaim(pvc({ storageClassName: 'lp' }), view([], classes, ['web-0'])),
    { action: 'pending', event: { type: 'Normal', reason: 'WaitForPodScheduled', message: 'waiting for pod web-0 to be scheduled' } });
  assert.equal(planClaim(pvc({ storageClassName: 'lp' }, { 'volume.kubernetes.io/selected-node': 'n1' }), view([], classes)).action, 'provision');
});

test('a claim naming its volume binds only a free, fitting one', () => {
  assert.deepEqual(planClaim(pvc({ volumeName: 'missing' }), view()), { action: 'pending' });
  const small = pv('small', '512Mi');
  assert.deepEqual(planClaim(pvc({ volumeName: 'small' }), view([small])),
    { action: 'pending', event: { type: 'Warning', reason: 'VolumeMismatch', message: 'Cannot bind to requested volume "small": requested PV is too small' } });
  const taken = pv('taken', '1Gi', { claimRef: { namespace: 'ns', name: 'other', uid: 'u2' } });
  assert.deepEqual(planClaim(pvc({ volumeName: 'taken' }), view([taken])),
    { action: 'pending', event: { type: 'Warning', reason: 'FailedBinding', message: 'volume "taken" already bound to a different claim.' } });
  const reserved = pv('reserved', '1Gi', { claimRef: { namespace: 'ns', name: 'data' } });
  assert.equal(planClaim(pvc({ volumeName: 'reserved' }), view([reserved])).action, 'bind');
});

test('a bound claim whose volume vanished or went to another claim is Lost', () => {
  const done = { 'pv.kubernetes.io/bind-completed': 'yes' };
  assert.deepEqual(planClaim(pvc({ volumeName: 'v' }, done), view()), { action: 'lost', event: { type: 'Warning', reason: 'ClaimLost', message: 'Bound claim has lost its PersistentVolume. Data on the volume is lost!' } });
  assert.equal(planClaim(pvc({}, done), view()).action, 'lost');
  const mine = pv('v', '1Gi', { claimRef: { namespace: 'ns', name: 'data', uid: 'u1' } });
  assert.equal(planClaim(pvc({ volumeName: 'v' }, done), view([mine])).action, 'bind');
  const theirs = pv('v', '1Gi', { claimRef: { namespace: 'ns', name: 'data', uid: 'older' } });
  assert.deepEqual(planClaim(pvc({ volumeName: 'v' }, done), view([theirs])),
    { action: 'lost', event: { type: 'Warning', reason: 'ClaimMisbound', message: 'Two claims are bound to the same volume, this one is bound incorrectly' } });
});

test('binding writes volumeName and the annotations once; status takes the volume\'s modes and capacity', () => {
  const vol = pv('v', '5Gi');
  const bound = claimBoundTo(pvc(), vol)!;
  assert.equal(bound.spec?.volumeName, 'v');
  assert.deepEqual(bound.metadata.annotations, { 'pv.kubernetes.io/bound-by-controller': 'yes', 'pv.kubernetes.io/bind-completed': 'yes' });
  assert.equal(claimBoundTo(bound, vol), undefined);
  const userNamed = claimBoundTo(pvc({ volumeName: 'v' }), vol)!;
  assert.deepEqual(userNamed.metadata.annotations, { 'pv.kubernetes.io/bind-completed': 'yes' }, 'the user bound it, not the controller');
  assert.deepEqual(claimStatusFor(pvc(), 'Bound', vol), { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '5Gi' } });
  assert.equal(claimStatusFor(pvc(), 'Pending'), undefined);
});
