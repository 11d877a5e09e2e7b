import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResourceCatalog } from '../../../api/catalog.js';
import type { KubeObject } from '../../../api/object.js';
import type { Obj } from '../../../api/validation/types.js';
import { systemContext } from '../../context.js';
import type { AdmissionAttributes, AdmissionOperation } from '../types.js';
import { matchResources, type MatchContext } from './matching.js';

const catalog = ResourceCatalog.shared();
const ctx: MatchContext = {
  namespaceLabels: name => ({ prod: { env: 'prod' }, test: { env: 'test' } } as Record<string, Record<string, string>>)[name],
  equivalents: r => catalog.all().filter(o => o.group === r.group && o.resource === r.resource && o.version !== r.version),
};

function attrs(group: string, version: string, resource: string, opts: { op?: AdmissionOperation; ns?: string; name?: string; sub?: string; labels?: Record<string, string>; oldLabels?: Record<string, string> } = {}): AdmissionAttributes {
  const info = catalog.find(group, version, resource)!;
  const obj = (labels?: Record<string, string>): KubeObject | undefined => (labels ? { apiVersion: 'v1', kind: info.kind, metadata: { name: opts.name ?? 'x', labels } } : undefined);
  return { resource: info, operation: opts.op ?? 'CREATE', namespace: opts.ns ?? '', name: opts.name ?? 'x', subresource: opts.sub ?? '', object: obj(opts.labels ?? {}), oldObject: obj(opts.oldLabels), ctx: systemContext() };
}

const rule = (r: Obj): Obj => ({ apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*'], ...r });
const matches = (m: Obj, a: AdmissionAttributes) => matchResources({ matchPolicy: 'Equivalent', namespaceSelector: {}, objectSelector: {}, ...m }, a, ctx) !== undefined;

test('resource rules: groups, versions, operations, resources with subresources, resourceNames', () => {
  const cases: [Obj, AdmissionAttributes, boolean][] = [
    [{ resourceRules: [rule({ apiGroups: ['apps'], resources: ['deployments'] })] }, attrs('apps', 'v1', 'deployments', { ns: 'prod' }), true],
    [{ resourceRules: [rule({ apiGroups: [''], resources: ['deployments'] })] }, attrs('apps', 'v1', 'deployments', { ns: 'prod' }), false],
    [{ resourceRules: [rule({ operations: ['UPDATE'] })] }, attrs('', 'v1', 'pods', { ns: 'prod' }), false],
    [{ resourceRules: [rule({ resources: ['pods'] })] }, attrs('', 'v1', 'pods', { ns: 'prod', sub: 'status' }), false],
    [{ resourceRules: [rule({ resources: ['pods/status'] })] }, attrs('', 'v1', 'pods', { ns: 'prod', sub: 'status' }), true],
    [{ resourceRules: [rule({ resources: ['pods/*'] })] }, attrs('', 'v1', 'pods', { ns: 'prod', sub: 'status' }), true],
    [{ resourceRules: [rule({ resources: ['*/status'] })] }, attrs('', 'v1', 'pods', { ns: 'prod', sub: 'status' }), true],
    [{ resourceRules: [rule({ resources: ['*'] })] }, attrs('', 'v1', 'pods', { ns: 'prod', sub: 'status' }), false],
    [{ resourceRules: [rule({ resourceNames: ['a'] })] }, attrs('', 'v1', 'pods', { ns: 'prod', name: 'b' }), false],
    [{ resourceRules: [rule({ resourceNames: ['a', 'b'] })] }, attrs('', 'v1', 'pods', { ns: 'prod', name: 'b' }), true],
    [{ resourceRules: [rule({})], excludeResourceRules: [rule({ resources: ['configmaps'] })] }, attrs('', 'v1', 'configmaps', { ns: 'prod' }), false],
    [{ resourceRules: [rule({})], excludeResourceRules: [rule({ resources: ['configmaps'] })] }, attrs('', 'v1', 'secrets', { ns: 'prod' }), true],
  ];
  cases.forEach(([m, a, want], i) => assert.equal(matches(m, a), want, `case ${i}`));
});

test('scope: Namespaced and Cluster, with namespaces themselves cluster-scoped', () => {
  assert.equal(matches({ resourceRules: [rule({ scope: 'Namespaced' })] }, attrs('', 'v1', 'pods', { ns: 'prod' })), true);
  assert.equal(matches({ resourceRules: [rule({ scope: 'Namespaced' })] }, attrs('', 'v1', 'nodes')), false);
  assert.equal(matches({ resourceRules: [rule({ scope: 'Cluster' })] }, attrs('', 'v1', 'nodes')), true);
  assert.equal(matches({ resourceRules: [rule({ scope: 'Cluster' })] }, attrs('', 'v1', 'namespaces', { name: 'prod' })), true);
  assert.equal(matches({ resourceRules: [rule({ scope: 'Namespaced' })] }, attrs('', 'v1', 'namespaces', { name: 'prod' })), false);
});

test('matchPolicy Equivalent also matches another served version of the resource; Exact does not', () => {
  assert.ok(catalog.find('autoscaling', 'v1', 'horizontalpodautoscalers') && catalog.find('autoscaling', 'v2', 'horizontalpodautoscalers'), 'HPAs are served at v1 and v2');
  const onlyV2 = [rule({ apiGroups: ['autoscaling'], apiVersions: ['v2'], resources: ['horizontalpodautoscalers'] })];
  const a = attrs('autoscaling', 'v1', 'horizontalpodautoscalers', { ns: 'prod' });
  assert.equal(matchResources({ matchPolicy: 'Equivalent', resourceRules: onlyV2 }, a, ctx)?.resource.version, 'v2');
  assert.equal(matchResources({ matchPolicy: 'Exact', resourceRules: onlyV2 }, a, ctx), undefined);
});

test('namespaceSelector: by the namespace\'s labels; cluster-scoped objects are never exempt; a namespace by its own labels', () => {
  const sel = { namespaceSelector: { matchLabels: { env: 'test' } }, resourceRules: [rule({})] };
  assert.equal(matches(sel, attrs('', 'v1', 'pods', { ns: 'test' })), true);
  assert.equal(matches(sel, attrs('', 'v1', 'pods', { ns: 'prod' })), false);
  assert.equal(matches(sel, attrs('', 'v1', 'nodes')), true);
  assert.equal(matches(sel, attrs('', 'v1', 'namespaces', { name: 'new', labels: { env: 'test' } })), true);
  assert.equal(matches(sel, attrs('', 'v1', 'namespaces', { name: 'new', labels: {} })), false);
  assert.equal(matches({ namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, resourceRules: [rule({})] }, attrs('', 'v1', 'pods', { ns: 'test' })), true);
});

test('objectSelector: the new or the old object\'s labels', () => {
  const sel = { objectSelector: { matchLabels: { app: 'web' } }, resourceRules: [rule({})] };
  assert.equal(matches(sel, attrs('', 'v1', 'pods', { ns: 'prod', labels: { app: 'web' } })), true);
  assert.equal(matches(sel, attrs('', 'v1', 'pods', { ns: 'prod', op: 'UPDATE', labels: {}, oldLabels: { app: 'web' } })), true);
  assert.equal(matches(sel, attrs('', 'v1', 'pods', { ns: 'prod', labels: { app: 'db' } })), false);
});

test('no matchResources (a binding without one) selects everything', () => {
  assert.ok(matchResources(undefined, attrs('', 'v1', 'pods', { ns: 'prod' }), ctx));
});
