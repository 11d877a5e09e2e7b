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
  assert.equal(subs.exec.kind, 'PodExecOptions');
  // Upstream reports the log subresource as kind Pod, and proxy with every connect method.
  assert.equal(subs.log.kind, 'Pod');
  assert.deepEqual(subs.proxy.verbs, ['create', 'delete', 'get', 'patch', 'update']);
});

test('storage version hashes match upstream, including resources stored in another version', () => {
  assert.equal(catalog.find('', 'v1', 'pods')!.storageVersionHash, 'xPOwRZ+Yhw8=');
  assert.equal(catalog.find('apps', 'v1', 'deployments')!.storageVersionHash, '8aSe+NMegvE=');
  assert.equal(catalog.find('events.k8s.io', 'v1', 'events')!.storageVersionHash, catalog.find('', 'v1', 'events')!.storageVersionHash);
  assert.equal(catalog.find('autoscaling', 'v1', 'horizontalpodautoscalers')!.storageVersionHash, 'qwQve8ut294=');
  assert.equal(catalog.find('', 'v1', 'bindings')!.storageVersionHash, undefined);
});

test('review resources are create-only; selfsubjectreviews is cluster-scoped', () => {
  const whoami = catalog.find('authentication.k8s.io', 'v1', 'selfsubjectreviews')!;
  assert.deepEqual([whoami.kind, whoami.namespaced, whoami.verbs], ['SelfSubjectReview', false, ['create']]);
  assert.equal(catalog.find('authorization.k8s.io', 'v1', 'localsubjectaccessreviews')!.namespaced, true);
  const token = catalog.find('', 'v1', 'serviceaccounts')!.subresources.find(s => s.name === 'token')!;
  assert.deepEqual([token.group, token.kind, token.verbs], ['authentication.k8s.io', 'TokenRequest', ['create']]);
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

test('groups and resources come in upstream discovery order', () => {
  assert.deepEqual(catalog.groups().slice(0, 6).map(g => g.name), ['', 'apiregistration.k8s.io', 'apps', 'events.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io']);
  const core = catalog.all().filter(r => r.group === '').map(r => r.resource);
  assert.deepEqual(core.slice(0, 3), ['bindings', 'componentstatuses', 'configmaps']);
  assert.equal(catalog.all()[0].group, '');
});

test('short names and categories come from upstream table', () => {
  const short = (g: string, r: string) => catalog.find(g, 'v1', r)!.shortNames;
  assert.deepEqual(short('', 'services'), ['svc']);
  assert.deepEqual(short('apps', 'deployments'), ['deploy']);
  assert.deepEqual(short('', 'persistentvolumeclaims'), ['pvc']);
  assert.deepEqual(short('networking.k8s.io', 'networkpolicies'), ['netpol']);
  assert.deepEqual(short('', 'secrets'), []);
  assert.deepEqual(catalog.find('batch', 'v1', 'jobs')!.categories, ['all']);
  assert.deepEqual(catalog.find('', 'v1', 'configmaps')!.categories, []);
  assert.deepEqual(catalog.find('admissionregistration.k8s.io', 'v1', 'validatingwebhookconfigurations')!.categories, ['api-extensions']);
});

test('only served groups appear; autoscaling prefers v2', () => {
  assert.equal(catalog.find('flowcontrol.apiserver.k8s.io', 'v1', 'flowschemas'), undefined);
  assert.ok(catalog.find('autoscaling', 'v1', 'horizontalpodautoscalers'));
  assert.equal(catalog.groups().find(g => g.name === 'autoscaling')!.preferredVersion, 'v2');
});
