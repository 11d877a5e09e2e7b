import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { APIService } from '../../api/types/generated.js';
import { aggregatedDiscovery, apiGroupList } from '../discovery.js';
import { aggregatedAPIGroup, aggregatedGroups, withAggregatedDiscovery, withAggregatedGroups } from './discovery.js';

const remote = (group: string, version: string, groupPriority: number, versionPriority: number, available = true): APIService => ({
  metadata: { name: `${version}.${group}` },
  spec: { group, version, groupPriorityMinimum: groupPriority, versionPriority, service: { namespace: 'ns', name: 'api' } },
  status: { conditions: [{ type: 'Available', status: available ? 'True' : 'False' }] },
});
const resources = { resources: [{ name: 'widgets', singularName: 'widget', namespaced: true, kind: 'Widget', verbs: ['get', 'list'], shortNames: ['wd'] }, { name: 'widgets/status', singularName: '', namespaced: true, kind: 'Widget', verbs: ['get'] }] };

test('aggregated groups: by priority, versions by versionPriority; local groups and local APIServices are not taken over', () => {
  const list = [remote('metrics.k8s.io', 'v1beta1', 100, 100), remote('x.io', 'v1', 17900, 10), remote('x.io', 'v2', 17000, 20), remote('apps', 'v9', 20000, 1), { metadata: { name: 'v1.local.io' }, spec: { group: 'local.io', version: 'v1', groupPriorityMinimum: 1, versionPriority: 1 } }];
  const groups = aggregatedGroups(list, new Map([['v1.x.io', resources]]), new Set(['', 'apps']));
  assert.deepEqual(groups.map(g => `${g.name}:${g.priority}:${g.versions.map(v => v.version)}`), ['x.io:17900:v2,v1', 'metrics.k8s.io:100:v1beta1']);
  assert.deepEqual(aggregatedAPIGroup(groups[0]).preferredVersion, { groupVersion: 'x.io/v2', version: 'v2' });
  // /apis: x.io (17900) right after apiregistration's and before apps (17800); metrics.k8s.io last.
  const names = withAggregatedGroups(apiGroupList(), groups).groups.map(g => g.name);
  assert.deepEqual(names.slice(0, 3), ['apiregistration.k8s.io', 'x.io', 'apps']);
  assert.equal(names.at(-1), 'metrics.k8s.io');
});

test('aggregated discovery: described versions only, Stale when not available, subresources folded in', () => {
  const groups = aggregatedGroups([remote('x.io', 'v1', 100, 10, false), remote('x.io', 'v2', 100, 20)], new Map([['v1.x.io', resources]]), new Set());
  const doc = withAggregatedDiscovery(aggregatedDiscovery('apis', 'v2'), groups);
  const item = doc.items.find(i => i.metadata.name === 'x.io')!;
  assert.deepEqual(item, {
    metadata: { name: 'x.io', creationTimestamp: null },
    versions: [{
      version: 'v1', freshness: 'Stale',
      resources: [{
        resource: 'widgets', responseKind: { group: 'x.io', version: 'v1', kind: 'Widget' }, scope: 'Namespaced', singularResource: 'widget', verbs: ['get', 'list'], shortNames: ['wd'],
        subresources: [{ subresource: 'status', responseKind: { group: 'x.io', version: 'v1', kind: 'Widget' }, verbs: ['get'] }],
      }],
    }],
  });
});

test('a local APIService served in-process is listed with its resources; one nothing serves is not', () => {
  const local = (group: string): APIService => ({
    metadata: { name: `v1beta1.${group}` }, spec: { group, version: 'v1beta1', groupPriorityMinimum: 100, versionPriority: 100 },
    status: { conditions: [{ type: 'Available', status: 'True' }] },
  });
  const inProcess = new Map([['v1beta1.metrics.k8s.io', [{ name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] }]]]);
  const groups = aggregatedGroups([local('metrics.k8s.io'), local('other.io')], new Map(), new Set(), inProcess);
  assert.deepEqual(groups.map(g => g.name), ['metrics.k8s.io']);
  const item = withAggregatedDiscovery(aggregatedDiscovery('apis', 'v2'), groups).items.find(i => i.metadata.name === 'metrics.k8s.io')!;
  assert.deepEqual(item.versions, [{
    version: 'v1beta1', freshness: 'Current',
    resources: [{ resource: 'pods', responseKind: { group: 'metrics.k8s.io', version: 'v1beta1', kind: 'PodMetrics' }, scope: 'Namespaced', singularResource: '', verbs: ['get', 'list'] }],
  }]);
});
