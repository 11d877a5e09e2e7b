import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareKubeAwareVersions, customResourceGroups, customResourceInfos } from './custom-resources.js';
import type { CustomResourceDefinition } from './types/generated.js';

test('versions sort as upstream: GA, beta, alpha (higher first), then other names alphabetically', () => {
  const sorted = ['v1alpha1', 'foo', 'v2', 'v1beta2', 'v1', 'v11alpha2', 'v1beta1', 'bar', 'v12'].sort(compareKubeAwareVersions);
  assert.deepEqual(sorted, ['v12', 'v2', 'v1', 'v1beta2', 'v1beta1', 'v11alpha2', 'v1alpha1', 'bar', 'foo']);
});

const crd: CustomResourceDefinition = {
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com', scope: 'Cluster',
    names: { plural: 'widgets', kind: 'Widget' },
    versions: [
      { name: 'v1beta1', served: true, storage: false },
      { name: 'v1', served: true, storage: true, subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } } },
      { name: 'v1alpha1', served: false, storage: false },
    ],
  },
  status: {
    acceptedNames: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wd'], categories: ['all'] },
    conditions: [{ type: 'Established', status: 'True' }],
    storedVersions: ['v1'],
  },
};

test('an established CRD serves one entry per served version, named by its accepted names', () => {
  const infos = customResourceInfos(crd);
  assert.deepEqual(infos.map(i => i.version), ['v1', 'v1beta1']);
  const v1 = infos[0];
  assert.equal(v1.namespaced, false);
  assert.deepEqual([v1.kind, v1.listKind, v1.singularName, v1.shortNames, v1.categories], ['Widget', 'WidgetList', 'widget', ['wd'], ['all']]);
  assert.deepEqual(v1.verbs, ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch']);
  assert.deepEqual(v1.subresources.map(s => [s.name, s.group, s.kind]), [['scale', 'autoscaling', 'Scale'], ['status', 'example.com', 'Widget']]);
  // Upstream's hash of example.com/v1/Widget, the storage version, for every served version.
  assert.equal(v1.storageVersionHash, infos[1].storageVersionHash);
  assert.deepEqual(customResourceGroups(infos), [{ name: 'example.com', versions: ['v1', 'v1beta1'], preferredVersion: 'v1' }]);
});

test('nothing is served before the CRD is established', () => {
  assert.deepEqual(customResourceInfos({ ...crd, status: { ...crd.status, conditions: [{ type: 'Established', status: 'False' }] } }), []);
});
