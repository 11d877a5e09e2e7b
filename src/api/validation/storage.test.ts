import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coreDefaults } from '../defaults/core.js';
import { storageDefaults } from '../defaults/storage.js';
import { validateCreate, validateUpdate } from './index.js';
import { storageRules } from './storage.js';
import { clusterScoped, defaulted, messages, namespaced } from './testing.js';

const pv = (spec: object) => defaulted(coreDefaults.PersistentVolume, { spec }, null);
const claim = (spec: object) => defaulted(coreDefaults.PersistentVolumeClaim, { spec });
const goodPv = () => pv({ accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' }, hostPath: { path: '/data' } });
const goodClaim = () => claim({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } });

test('persistent volumes: modes, capacity, one source, local needs node affinity', () => {
  assert.deepEqual(validateCreate(storageRules.PersistentVolume, goodPv(), clusterScoped), []);
  assert.deepEqual(messages(validateCreate(storageRules.PersistentVolume, pv({ accessModes: ['ReadWriteOncePod', 'ReadWriteOnce', 'Sometimes'], capacity: { storage: '0' }, local: { path: '/x' }, persistentVolumeReclaimPolicy: 'Keep' }), clusterScoped)), [
    'spec.accessModes: Unsupported value: "Sometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
    'spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes',
    'spec.capacity[storage]: Invalid value: "0": must be greater than zero',
    'spec.persistentVolumeReclaimPolicy: Unsupported value: "Keep": supported values: "Delete", "Recycle", "Retain"',
    'spec.nodeAffinity: Required value: Local volume requires node affinity',
  ]);
  assert.deepEqual(messages(validateCreate(storageRules.PersistentVolume, pv({ accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } }), clusterScoped)), ['spec: Required value: must specify a volume type']);
});

test('a volume source is immutable; a claim spec only grows its request once bound', () => {
  const old = goodPv();
  const moved = structuredClone(old);
  moved.spec.hostPath.path = '/elsewhere';
  assert.deepEqual(messages(validateUpdate(storageRules.PersistentVolume, moved, old, clusterScoped)), ['spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation']);

  const pending = goodClaim();
  const bound = structuredClone(pending);
  bound.spec.volumeName = 'pv-1';
  assert.deepEqual(validateUpdate(storageRules.PersistentVolumeClaim, bound, pending, namespaced), [], 'volumeName is set once');
  bound.status.phase = 'Bound';
  const grown = structuredClone(bound);
  grown.spec.resources.requests.storage = '2Gi';
  assert.deepEqual(validateUpdate(storageRules.PersistentVolumeClaim, grown, bound, namespaced), []);
  const shrunk = structuredClone(grown);
  shrunk.spec.resources.requests.storage = '1Gi';
  assert.deepEqual(messages(validateUpdate(storageRules.PersistentVolumeClaim, shrunk, grown, namespaced)), ['spec.resources.requests.storage: Forbidden: field can not be less than previous value']);
  const remoded = structuredClone(bound);
  remoded.spec.accessModes = ['ReadWriteMany'];
  remoded.spec.volumeName = 'pv-2';
  assert.deepEqual(messages(validateUpdate(storageRules.PersistentVolumeClaim, remoded, bound, namespaced)), ['spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims']);
});

test('claims need an access mode and a positive storage request', () => {
  assert.deepEqual(validateCreate(storageRules.PersistentVolumeClaim, goodClaim(), namespaced), []);
  assert.deepEqual(messages(validateCreate(storageRules.PersistentVolumeClaim, claim({ storageClassName: 'Bad_Class' }), namespaced)), [
    'spec.accessModes: Required value: at least 1 access mode is required',
    'spec.resources[storage]: Required value',
    "spec.storageClassName: Invalid value: \"Bad_Class\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  ]);
});

test('storage classes refuse Recycle and freeze what provisioning depends on', () => {
  const sc = (body: object) => defaulted(storageDefaults.StorageClass, body, null);
  assert.deepEqual(validateCreate(storageRules.StorageClass, sc({ provisioner: 'rancher.io/local-path' }), clusterScoped), []);
  assert.deepEqual(messages(validateCreate(storageRules.StorageClass, sc({ provisioner: 'x', reclaimPolicy: 'Recycle', volumeBindingMode: 'Later' }), clusterScoped)), [
    'reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"',
    'volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"',
  ]);
  const old = sc({ provisioner: 'a.io/x', parameters: { k: 'v' } });
  const next = { ...structuredClone(old), provisioner: 'b.io/y', parameters: {}, reclaimPolicy: 'Retain', allowVolumeExpansion: true };
  assert.deepEqual(messages(validateUpdate(storageRules.StorageClass, next, old, clusterScoped)), [
    'parameters: Forbidden: updates to parameters are forbidden.',
    'provisioner: Forbidden: updates to provisioner are forbidden.',
    'reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.',
  ]);
});
