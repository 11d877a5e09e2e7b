import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResourceCatalog } from '../../api/catalog.js';
import type { KubeObject } from '../../api/object.js';
import type { PodSpec, Toleration } from '../../api/types/generated.js';
import { systemContext } from '../context.js';
import { defaultTolerationSeconds } from './default-toleration-seconds.js';
import type { AdmissionAttributes, AdmissionOperation } from './types.js';

const plugin = defaultTolerationSeconds({ notReadySeconds: 300, unreachableSeconds: 120 });
const notReady: Toleration = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };
const unreachable: Toleration = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 120 };

function admit(tolerations: Toleration[] | undefined, operation: AdmissionOperation = 'CREATE', subresource = '', resource = 'pods'): Toleration[] | undefined {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'i' }], tolerations } };
  const attrs: AdmissionAttributes = {
    resource: ResourceCatalog.shared().find('', 'v1', resource)!,
    operation, namespace: 'default', name: 'p', subresource,
    object: pod as unknown as KubeObject,
    ctx: systemContext(),
  };
  plugin.admit!(attrs);
  return (attrs.object as KubeObject & { spec: PodSpec }).spec.tolerations;
}

test('a pod without tolerations gets both bounded NoExecute tolerations, with the configured seconds', () => {
  assert.deepEqual(admit(undefined), [notReady, unreachable]);
});

test('existing tolerations are kept and the missing one appended', () => {
  const own: Toleration = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 };
  const unrelated: Toleration = { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' };
  assert.deepEqual(admit([unrelated, own]), [unrelated, own, notReady]);
});

test('an empty key or empty effect covers the taint, as upstream checks it', () => {
  assert.deepEqual(admit([{ operator: 'Exists' }]), [{ operator: 'Exists' }]);
  assert.deepEqual(admit([{ operator: 'Exists', effect: 'NoExecute' }]), [{ operator: 'Exists', effect: 'NoExecute' }]);
  const keyOnly: Toleration = { key: 'node.kubernetes.io/not-ready', operator: 'Exists' };
  assert.deepEqual(admit([keyOnly]), [keyOnly, unreachable]);
});

test('a toleration of the key for another effect does not count', () => {
  const noSchedule: Toleration = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' };
  assert.deepEqual(admit([noSchedule]), [noSchedule, notReady, unreachable]);
});

test('only pod creation is touched: not updates, subresources or other resources', () => {
  assert.equal(admit(undefined, 'UPDATE'), undefined);
  assert.equal(admit(undefined, 'CREATE', 'binding'), undefined);
  assert.equal(admit(undefined, 'CREATE', '', 'podtemplates'), undefined);
});
