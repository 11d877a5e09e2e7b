import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  aggregatedContentType, aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions, negotiateDiscovery,
} from './discovery.js';

type Entry = Record<string, unknown>;

test('/api names v1 and the server address', () => {
  assert.deepEqual(apiVersions('10.0.0.1:6443'), {
    kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '10.0.0.1:6443' }],
  });
});

test('/apis lists named groups only, autoscaling preferring v2', () => {
  const list = apiGroupList();
  assert.equal(list.kind, 'APIGroupList');
  assert.ok(!list.groups.some(g => g.name === ''));
  assert.deepEqual(list.groups.slice(0, 2).map(g => g.name), ['apiregistration.k8s.io', 'apps']);
  const autoscaling = list.groups.find(g => g.name === 'autoscaling')!;
  assert.deepEqual(autoscaling.versions.map(v => v.groupVersion), ['autoscaling/v2', 'autoscaling/v1']);
  assert.deepEqual(autoscaling.preferredVersion, { groupVersion: 'autoscaling/v2', version: 'v2' });
  assert.ok(list.groups.some(g => g.name === 'authentication.k8s.io'));
});

test('/apis/<group> is an APIGroup; unknown or empty groups are undefined', () => {
  assert.deepEqual(apiGroup('apps'), {
    kind: 'APIGroup', apiVersion: 'v1', name: 'apps',
    versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
  });
  assert.equal(apiGroup('flowcontrol.apiserver.k8s.io'), undefined);
  assert.equal(apiGroup(''), undefined);
});

test('/api/v1 lists resources with subresources as separate entries', () => {
  const list = apiResourceList('', 'v1')!;
  assert.equal(list.groupVersion, 'v1');
  const byName = new Map(list.resources.map(r => [r.name as string, r]));
  assert.deepEqual(byName.get('pods'), {
    name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod',
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['po'], categories: ['all'], storageVersionHash: 'xPOwRZ+Yhw8=',
  });
  assert.deepEqual(byName.get('pods/status'), { name: 'pods/status', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] });
  assert.deepEqual(byName.get('pods/eviction'), { name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
  assert.equal(byName.get('nodes')!.namespaced, false);
  // Subresources follow their parent.
  const names = list.resources.map(r => r.name);
  assert.equal(names.indexOf('namespaces/finalize'), names.indexOf('namespaces') + 1);
});

test('/apis/apps/v1 has deployments/scale as autoscaling/v1 Scale; unknown versions are undefined', () => {
  const list = apiResourceList('apps', 'v1')!;
  assert.equal(list.groupVersion, 'apps/v1');
  const scale = list.resources.find(r => r.name === 'deployments/scale')!;
  assert.deepEqual([scale.group, scale.version, scale.kind], ['autoscaling', 'v1', 'Scale']);
  assert.equal(apiResourceList('apps', 'v1beta1'), undefined);
  assert.equal(apiResourceList('', 'v2'), undefined);
});

test('negotiateDiscovery follows the client order and parameters', () => {
  const kubectl = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
  assert.equal(negotiateDiscovery(kubectl), 'v2');
  assert.equal(negotiateDiscovery('application/json; g=apidiscovery.k8s.io; v=v2beta1; as=APIGroupDiscoveryList'), 'v2beta1');
  assert.equal(negotiateDiscovery('application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList,application/json'), null);
  assert.equal(negotiateDiscovery('application/json'), null);
  assert.equal(negotiateDiscovery(''), null);
  assert.equal(aggregatedContentType('v2'), 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
});

test('aggregated discovery: legacy group under api, named groups under apis', () => {
  const api = aggregatedDiscovery('api', 'v2');
  assert.equal(api.kind, 'APIGroupDiscoveryList');
  assert.equal(api.apiVersion, 'apidiscovery.k8s.io/v2');
  assert.equal(api.items.length, 1);
  assert.deepEqual(api.items[0].metadata, { creationTimestamp: null });
  const v1 = api.items[0].versions[0];
  assert.deepEqual([v1.version, v1.freshness], ['v1', 'Current']);
  const pods = v1.resources.find(r => r.resource === 'pods') as Entry;
  assert.deepEqual(pods.responseKind, { group: '', version: 'v1', kind: 'Pod' });
  assert.equal(pods.scope, 'Namespaced');
  assert.equal(pods.singularResource, 'pod');
  assert.deepEqual(pods.shortNames, ['po']);
  const subs = pods.subresources as Entry[];
  assert.deepEqual(subs.find(s => s.subresource === 'eviction'), { subresource: 'eviction', responseKind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'] });
  assert.equal((v1.resources.find(r => r.resource === 'nodes') as Entry).scope, 'Cluster');

  const apis = aggregatedDiscovery('apis', 'v2beta1');
  assert.equal(apis.apiVersion, 'apidiscovery.k8s.io/v2beta1');
  assert.ok(!apis.items.some(i => !('name' in i.metadata)));
  const autoscaling = apis.items.find(i => (i.metadata as { name?: string }).name === 'autoscaling')!;
  assert.deepEqual(autoscaling.versions.map(v => v.version), ['v2', 'v1']);
  const whoami = apis.items.find(i => (i.metadata as { name?: string }).name === 'authentication.k8s.io')!.versions[0].resources
    .find(r => r.resource === 'selfsubjectreviews') as Entry;
  assert.deepEqual([whoami.scope, whoami.verbs], ['Cluster', ['create']]);
});
