import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResourceCatalog } from '../../api/catalog.js';
import type { KubeObject } from '../../api/object.js';
import { systemContext } from '../context.js';
import { persistentVolumeClaimResizeFrom } from './persistent-volume-claim-resize.js';

const classes: Record<string, KubeObject> = {
  grows: { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'grows' }, allowVolumeExpansion: true } as KubeObject,
  fixed: { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fixed' } } as KubeObject,
};
const claim = (cls: string, size: string, phase = 'Bound'): KubeObject => ({
  apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default' },
  spec: { storageClassName: cls, resources: { requests: { storage: size } } }, status: { phase },
});

function resize(old: KubeObject, next: KubeObject): string | undefined {
  try {
    void persistentVolumeClaimResizeFrom(name => classes[name]).validate!({
      resource: ResourceCatalog.shared().find('', 'v1', 'persistentvolumeclaims')!,
      operation: 'UPDATE', namespace: 'default', name: 'data', subresource: '', object: next, oldObject: old, ctx: systemContext(),
    });
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

test('a bound claim grows only in a class that allows expansion', () => {
  assert.equal(resize(claim('grows', '1Gi'), claim('grows', '2Gi')), undefined);
  assert.equal(resize(claim('fixed', '1Gi'), claim('fixed', '2Gi')),
    'persistentvolumeclaims "data" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize');
  assert.match(resize(claim('', '1Gi'), claim('', '2Gi'))!, /must support resize/, 'a claim without a class');
  assert.match(resize(claim('missing', '1Gi'), claim('missing', '2Gi'))!, /must support resize/, 'an unknown class');
});

test('only growth of a bound claim is judged', () => {
  assert.equal(resize(claim('grows', '1Gi', 'Pending'), claim('grows', '2Gi', 'Pending')), 'persistentvolumeclaims "data" is forbidden: Only bound persistent volume claims can be expanded');
  assert.equal(resize(claim('fixed', '1Gi'), claim('fixed', '1024Mi')), undefined, 'the same size written differently');
  assert.equal(resize(claim('fixed', '2Gi'), claim('fixed', '1Gi')), undefined, 'shrinking is validation\'s to refuse');
});
