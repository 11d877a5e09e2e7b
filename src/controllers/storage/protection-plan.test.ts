import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PersistentVolumeClaim } from '../../api/volume-binding.js';
import type { Pod } from '../workloads/types.js';
import { ephemeralClaimsToCreate } from './ephemeral-volume-plan.js';
import { podUsesClaim, protectionAction, volumeInUse, withFinalizer } from './protection-plan.js';

const F = 'kubernetes.io/pvc-protection';
const claim = (name = 'data', extra: Partial<PersistentVolumeClaim['metadata']> = {}): PersistentVolumeClaim => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'ns', ...extra } });
const pod = (volumes: object[], extra: Partial<Pod['metadata']> = {}, nodeName: string | null = 'n1'): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', uid: 'pod-uid', ...extra }, spec: { containers: [], volumes, ...(nodeName ? { nodeName } : {}) },
} as Pod);

test('the finalizer is added while alive and removed once deleted and unused', () => {
  assert.equal(protectionAction(claim(), F, () => true), 'add');
  assert.equal(protectionAction(claim('data', { finalizers: [F] }), F, () => true), undefined);
  const deleting = claim('data', { finalizers: [F], deletionTimestamp: '2026-01-01T00:00:00Z' });
  assert.equal(protectionAction(deleting, F, () => true), undefined);
  assert.equal(protectionAction(deleting, F, () => false), 'remove');
  assert.deepEqual(withFinalizer(claim('data', { finalizers: ['a', F] }), F, 'remove').metadata.finalizers, ['a']);
  assert.ok(volumeInUse({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'v' }, status: { phase: 'Bound' } }));
});

test('scheduled pods use their claims; ephemeral claims only their own and until shut down', () => {
  const uses = pod([{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }]);
  assert.ok(podUsesClaim(uses, claim()));
  assert.ok(!podUsesClaim(pod([{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }], {}, null), claim()), 'not scheduled');
  assert.ok(!podUsesClaim({ ...uses, metadata: { ...uses.metadata, namespace: 'elsewhere' } }, claim()));
  const ownRef = { ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'pod-uid', controller: true }] };
  const eph = pod([{ name: 'tmp', ephemeral: { volumeClaimTemplate: { spec: {} } } }]);
  assert.ok(podUsesClaim(eph, claim('p-tmp', ownRef)));
  assert.ok(!podUsesClaim(eph, claim('p-tmp')), 'a namesake the pod does not own');
  const gone = pod([{ name: 'tmp', ephemeral: { volumeClaimTemplate: { spec: {} } } }], { deletionTimestamp: '2026-01-01T00:00:00Z', deletionGracePeriodSeconds: 0 });
  assert.ok(!podUsesClaim(gone, claim('p-tmp', ownRef)));
});

test('ephemeral volumes: one claim per volume, owned by the pod; a foreign namesake is an error', () => {
  const p = pod([{ name: 'tmp', ephemeral: { volumeClaimTemplate: { metadata: { labels: { a: 'b' } }, spec: { accessModes: ['ReadWriteOnce'] } } } }, { name: 'cfg', configMap: { name: 'x' } }]);
  const [step] = ephemeralClaimsToCreate(p, () => undefined);
  assert.equal(step.claim?.metadata.name, 'p-tmp');
  assert.deepEqual(step.claim?.metadata.labels, { a: 'b' });
  assert.deepEqual(step.claim?.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'pod-uid', controller: true, blockOwnerDeletion: true }]);
  assert.deepEqual(ephemeralClaimsToCreate(p, () => claim('p-tmp', { ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'pod-uid', controller: true }] })), []);
  assert.deepEqual(ephemeralClaimsToCreate(p, () => claim('p-tmp')), [{ volume: 'tmp', error: 'PVC ns/p-tmp was not created for pod ns/p (pod is not owner)' }]);
});
