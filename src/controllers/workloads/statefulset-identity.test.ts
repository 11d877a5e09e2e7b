import assert from 'node:assert/strict';
import { test } from 'node:test';
import { claimsFor, identityMatches, inOrdinalRange, newStatefulPod, ordinalOf, revisionForNewPod } from './statefulset-identity.js';
import type { StatefulSet } from './types.js';

const set = (over: Partial<StatefulSet['spec']> = {}): StatefulSet => ({
  metadata: { name: 'web', namespace: 'ns', uid: 'u1' },
  spec: {
    replicas: 3, serviceName: 'nginx', selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c' }], volumes: [{ name: 'www', emptyDir: {} }, { name: 'cfg', emptyDir: {} }] } },
    volumeClaimTemplates: [{ metadata: { name: 'www', labels: { tier: 'data' } }, spec: { accessModes: ['ReadWriteOnce'] } }],
    ...over,
  },
});
const ref = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u1', controller: true, blockOwnerDeletion: true };

test('ordinals come from names of the set\'s own pods only', () => {
  const s = set();
  assert.equal(ordinalOf(s, { metadata: { name: 'web-2' } }), 2);
  assert.equal(ordinalOf(s, { metadata: { name: 'web-x' } }), -1);
  assert.equal(ordinalOf(s, { metadata: { name: 'webby-1' } }), -1);
  assert.equal(inOrdinalRange(s, 2), true);
  assert.equal(inOrdinalRange(s, 3), false);
  assert.equal(inOrdinalRange(set({ ordinals: { start: 5 } }), 7), true);
});

test('a new pod carries its identity, revision and its own claims', () => {
  const pod = newStatefulPod(set(), 1, 'web-abc', ref);
  assert.equal(pod.metadata.name, 'web-1');
  assert.deepEqual(pod.metadata.labels, { app: 'web', 'statefulset.kubernetes.io/pod-name': 'web-1', 'apps.kubernetes.io/pod-index': '1', 'controller-revision-hash': 'web-abc' });
  assert.equal(pod.spec!.hostname, 'web-1');
  assert.equal(pod.spec!.subdomain, 'nginx');
  assert.deepEqual(pod.spec!.volumes, [{ name: 'cfg', emptyDir: {} }, { name: 'www', persistentVolumeClaim: { claimName: 'www-web-1' } }]);
  assert.equal(identityMatches(set(), pod), true);
  const [claim] = claimsFor(set(), 1);
  assert.equal(claim.metadata.name, 'www-web-1');
  assert.deepEqual(claim.metadata.labels, { tier: 'data', app: 'web' });
});

test('pods below the partition keep the current revision', () => {
  const s = set({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } });
  assert.equal(revisionForNewPod(s, 1), 'current');
  assert.equal(revisionForNewPod(s, 2), 'update');
  assert.equal(revisionForNewPod(set({ updateStrategy: { type: 'OnDelete' } }), 0), 'update');
});
