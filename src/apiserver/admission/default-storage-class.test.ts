import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResourceCatalog } from '../../api/catalog.js';
import type { KubeObject } from '../../api/object.js';
import { systemContext } from '../context.js';
import { defaultStorageClassFrom } from './default-storage-class.js';
import type { AdmissionOperation } from './types.js';

const sc = (name: string, created: string, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name, creationTimestamp: created, ...(annotations ? { annotations } : {}) }, provisioner: 'example.com/p',
} as KubeObject);
const isDefault = { 'storageclass.kubernetes.io/is-default-class': 'true' };

function admit(classes: KubeObject[], claim: { spec?: Record<string, unknown>; annotations?: Record<string, string> }, operation: AdmissionOperation = 'CREATE', subresource = ''): string | undefined {
  const object: KubeObject = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c', namespace: 'default', annotations: claim.annotations }, spec: claim.spec };
  void defaultStorageClassFrom(() => classes).admit!({
    resource: ResourceCatalog.shared().find('', 'v1', 'persistentvolumeclaims')!,
    operation, namespace: 'default', name: 'c', subresource, object, ctx: systemContext(),
  });
  return (object.spec as { storageClassName?: string } | undefined)?.storageClassName;
}

test('a claim naming no class gets the default one', () => {
  const classes = [sc('slow', '2024-01-01T00:00:00Z'), sc('local-path', '2024-01-01T00:00:00Z', isDefault), sc('off', '2024-01-01T00:00:00Z', { 'storageclass.kubernetes.io/is-default-class': 'false' })];
  assert.equal(admit(classes, { spec: { accessModes: ['ReadWriteOnce'] } }), 'local-path');
  assert.equal(admit([sc('beta', '2024-01-01T00:00:00Z', { 'storageclass.beta.kubernetes.io/is-default-class': 'true' })], { spec: {} }), 'beta', 'the beta annotation marks a default too');
});

test('a class already named, even "", or the beta claim annotation, is kept', () => {
  const classes = [sc('local-path', '2024-01-01T00:00:00Z', isDefault)];
  assert.equal(admit(classes, { spec: { storageClassName: 'fast' } }), 'fast');
  assert.equal(admit(classes, { spec: { storageClassName: '' } }), '');
  assert.equal(admit(classes, { spec: {}, annotations: { 'volume.beta.kubernetes.io/storage-class': 'old' } }), undefined);
});

test('of several defaults the newest wins, then the first name; none leaves the claim classless', () => {
  const classes = [sc('old', '2024-01-01T00:00:00Z', isDefault), sc('new-b', '2024-06-01T00:00:00Z', isDefault), sc('new-a', '2024-06-01T00:00:00Z', isDefault)];
  assert.equal(admit(classes, { spec: {} }), 'new-a');
  assert.equal(admit([sc('a', '2024-01-01T00:00:00Z')], { spec: {} }), undefined);
});

test('only claim creation is touched', () => {
  const classes = [sc('local-path', '2024-01-01T00:00:00Z', isDefault)];
  assert.equal(admit(classes, { spec: {} }, 'UPDATE'), undefined);
  assert.equal(admit(classes, { spec: {} }, 'CREATE', 'status'), undefined);
});
