import assert from 'node:assert/strict';
import { test } from 'node:test';
import { claimOwnersFor } from './statefulset-claim-retention.js';
import type { PersistentVolumeClaim, Pod, StatefulSet } from './types.js';

const set = (whenDeleted: 'Retain' | 'Delete', whenScaled: 'Retain' | 'Delete'): StatefulSet => ({
  apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'ns', uid: 'set-uid' },
  spec: { selector: {}, template: {}, persistentVolumeClaimRetentionPolicy: { whenDeleted, whenScaled } },
});
const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'db-1', namespace: 'ns', uid: 'pod-uid' } };
const claim = (ownerReferences?: PersistentVolumeClaim['metadata']['ownerReferences']): PersistentVolumeClaim => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data-db-1', namespace: 'ns', ...(ownerReferences ? { ownerReferences } : {}) } });
const setRef = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'set-uid', controller: true, blockOwnerDeletion: true };
const podRef = { apiVersion: 'v1', kind: 'Pod', name: 'db-1', uid: 'pod-uid', controller: true, blockOwnerDeletion: true };

test('Retain on both: nobody owns the claims', () => {
  assert.equal(claimOwnersFor(claim(), set('Retain', 'Retain'), pod, false), undefined);
  assert.equal(claimOwnersFor(claim(), set('Retain', 'Retain'), pod, true), undefined);
  assert.deepEqual(claimOwnersFor(claim([setRef]), set('Retain', 'Retain'), pod, false), [], 'a policy changed back to Retain frees the claim');
});

test('whenDeleted: Delete gives the claim to the set; whenScaled: Delete to a condemned pod', () => {
  assert.deepEqual(claimOwnersFor(claim(), set('Delete', 'Retain'), undefined, false), [setRef]);
  assert.equal(claimOwnersFor(claim([setRef]), set('Delete', 'Retain'), pod, true), undefined, 'scaling down keeps it with the set');
  assert.equal(claimOwnersFor(claim(), set('Retain', 'Delete'), pod, false), undefined);
  assert.deepEqual(claimOwnersFor(claim(), set('Retain', 'Delete'), pod, true), [podRef]);
  assert.deepEqual(claimOwnersFor(claim([setRef]), set('Delete', 'Delete'), pod, true), [podRef]);
  assert.deepEqual(claimOwnersFor(claim([podRef]), set('Delete', 'Delete'), pod, false), [setRef], 'scaled up again: back to the set');
});

test('a claim another controller owns is left alone', () => {
  const other = { apiVersion: 'x/v1', kind: 'Thing', name: 't', uid: 't', controller: true };
  assert.equal(claimOwnersFor(claim([other]), set('Delete', 'Delete'), pod, false), undefined);
});
