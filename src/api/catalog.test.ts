import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResourceCatalog } from './catalog.js';

const catalog = ResourceCatalog.shared();

test('pods: namespaced, all eight verbs, short name, category and subresources', () => {
  const pods = catalog.find('', 'v1', 'pods')!;
  assert.equal(pods.kind, 'Pod');
  assert.equal(pods.namespaced, true);
  assert.deepEqual(pods.verbs, ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
  assert.deepEqual(pods.shortNames, ['po']);
  assert.deepEqual(pods.categories, ['all']);
  const subs = Object.fromEntries(pods.subresources.map(s => [s.name, s]));
  assert.deepEqual(subs.status.verbs, ['get', 'patch', 'update']);
  assert.equal(subs.binding.kind, 'Binding');
  assert.equal(subs.eviction.group, 'policy');
  assert.deepEqual(subs.exec.verbs, ['create', 'get']);
});

test('nodes and namespaces are cluster-scoped; namespaces have finalize', () => {
  assert.equal(catalog.find('', 'v1', 'nodes')!.namespaced, false);
  const ns = catalog.find('', 'v1', 'namespaces')!;
  assert.equal(ns.namespaced, false);
  assert.ok(ns.subresources.some(s => s.name === 'finalize' && s.verbs.includes('update')));
});

test('deployments/scale is an autoscaling/v1 Scale', () => {
  const scale = catalog.find('apps', 'v1', 'deployments')!.subresources.find(s => s.name === 'scale')!;
  assert.deepEqual([scale.group, scale.version, scale.kind], ['autoscaling', 'v1', 'Scale']);
  assert.equal(catalog.findByKind('apps', 'v1', 'Deployment')!.resource, 'deployments');
});

test('only served groups appear; autoscaling prefers v2', () => {
  assert.equal(catalog.find('flowcontrol.apiserver.k8s.io', 'v1', 'flowschemas'), undefined);
  assert.ok(catalog.find('autoscaling', 'v1', 'horizontalpodautoscalers'));
  assert.equal(catalog.groups().find(g => g.name === 'autoscaling')!.preferredVersion, 'v2');
});
