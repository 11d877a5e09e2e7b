import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findBestMatchForClaim, isVolumeBoundToClaim, volumeUnfitForClaim, type PersistentVolume, type PersistentVolumeClaim } from './volume-binding.js';

const pv = (name: string, size: string, extra: Partial<NonNullable<PersistentVolume['spec']>> = {}, labels?: Record<string, string>, phase = 'Available'): PersistentVolume => ({
  apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name, ...(labels ? { labels } : {}) },
  spec: { capacity: { storage: size }, accessModes: ['ReadWriteOnce'], ...extra }, status: { phase },
});
const pvc = (size: string, extra: Partial<NonNullable<PersistentVolumeClaim['spec']>> = {}): PersistentVolumeClaim => ({
  apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c', namespace: 'ns', uid: 'u1' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } }, ...extra },
});
const now = { delayBinding: false };

test('the smallest available volume that fits, of the claim\'s class and selector', () => {
  const vols = [pv('big', '10Gi'), pv('mid', '5Gi'), pv('small', '1Gi'), pv('classy', '3Gi', { storageClassName: 'fast' }), pv('busy', '2Gi', {}, undefined, 'Bound')];
  assert.equal(findBestMatchForClaim(pvc('2Gi'), vols, now)?.metadata.name, 'mid');
  assert.equal(findBestMatchForClaim(pvc('1Gi'), vols, now)?.metadata.name, 'small');
  assert.equal(findBestMatchForClaim(pvc('1Gi', { storageClassName: 'fast' }), vols, now)?.metadata.name, 'classy');
  assert.equal(findBestMatchForClaim(pvc('11Gi'), vols, now), undefined);
  assert.equal(findBestMatchForClaim(pvc('1Gi', { volumeMode: 'Block' }), vols, now), undefined);
  const labelled = [pv('a', '1Gi', {}, { tier: 'gold' }), pv('b', '1Gi', {}, { tier: 'iron' })];
  assert.equal(findBestMatchForClaim(pvc('1Gi', { selector: { matchLabels: { tier: 'iron' } } }), labelled, now)?.metadata.name, 'b');
});

test('fewest extra access modes first, then size', () => {
  const vols = [pv('rwo-rox', '1Gi', { accessModes: ['ReadWriteOnce', 'ReadOnlyMany'] }), pv('rwo', '5Gi')];
  assert.equal(findBestMatchForClaim(pvc('1Gi'), vols, now)?.metadata.name, 'rwo');
  assert.equal(findBestMatchForClaim(pvc('1Gi', { accessModes: ['ReadOnlyMany'] }), vols, now)?.metadata.name, 'rwo-rox');
  assert.equal(findBestMatchForClaim(pvc('1Gi', { accessModes: ['ReadWriteMany'] }), vols, now), undefined);
});

test('a volume pre-bound to the claim wins even with delayed binding; others wait for the scheduler', () => {
  const claim = pvc('1Gi');
  const reserved = pv('reserved', '9Gi', { claimRef: { namespace: 'ns', name: 'c' } });
  const other = pv('other', '1Gi', { claimRef: { namespace: 'ns', name: 'c', uid: 'someone-else' } });
  assert.equal(findBestMatchForClaim(claim, [pv('free', '1Gi'), reserved, other], now)?.metadata.name, 'reserved');
  assert.equal(findBestMatchForClaim(claim, [pv('free', '1Gi'), reserved], { delayBinding: true })?.metadata.name, 'reserved');
  assert.equal(findBestMatchForClaim(claim, [pv('free', '1Gi')], { delayBinding: true }), undefined);
  assert.ok(isVolumeBoundToClaim(reserved, claim));
  assert.ok(!isVolumeBoundToClaim(other, claim));
});

test('why a named volume cannot serve a claim', () => {
  assert.equal(volumeUnfitForClaim(pv('v', '1Gi'), pvc('2Gi')), 'requested PV is too small');
  assert.equal(volumeUnfitForClaim(pv('v', '1Gi', { storageClassName: 'x' }), pvc('1Gi')), 'storageClassName does not match');
  assert.equal(volumeUnfitForClaim(pv('v', '1Gi', { accessModes: ['ReadOnlyMany'] }), pvc('1Gi')), 'incompatible accessMode');
  assert.equal(volumeUnfitForClaim(pv('v', '1Gi', { volumeMode: 'Block' }), pvc('1Gi')), 'incompatible volumeMode');
  assert.equal(volumeUnfitForClaim(pv('v', '1024Mi'), pvc('1Gi')), undefined);
});
