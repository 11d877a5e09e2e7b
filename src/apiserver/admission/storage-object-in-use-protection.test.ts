import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResourceCatalog } from '../../api/catalog.js';
import type { KubeObject } from '../../api/object.js';
import { systemContext } from '../context.js';
import { storageObjectInUseProtection } from './storage-object-in-use-protection.js';
import type { AdmissionOperation } from './types.js';

function admit(resource: string, object: KubeObject, operation: AdmissionOperation = 'CREATE'): string[] | undefined {
  void storageObjectInUseProtection().admit!({
    resource: ResourceCatalog.shared().find('', 'v1', resource)!,
    operation, namespace: object.metadata.namespace ?? '', name: object.metadata.name!, subresource: '', object, ctx: systemContext(),
  });
  return object.metadata.finalizers;
}

test('new volumes and claims get their protection finalizer once', () => {
  assert.deepEqual(admit('persistentvolumes', { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv' } }), ['kubernetes.io/pv-protection']);
  assert.deepEqual(admit('persistentvolumeclaims', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c', namespace: 'd', finalizers: ['a/b'] } }), ['a/b', 'kubernetes.io/pvc-protection']);
  assert.deepEqual(admit('persistentvolumeclaims', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c', namespace: 'd', finalizers: ['kubernetes.io/pvc-protection'] } }), ['kubernetes.io/pvc-protection']);
});

test('updates and other resources are left alone', () => {
  assert.equal(admit('persistentvolumeclaims', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c', namespace: 'd' } }, 'UPDATE'), undefined);
  assert.equal(admit('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'd' } }), undefined);
});
