import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResourceCatalog } from '../../../api/catalog.js';
import { NotFoundError } from '../../../api/errors.js';
import type { KubeObject } from '../../../api/object.js';
import { namespaceLabelsFrom, ruleMatches, shouldCallHook, webhookAccessors, type WebhookAccessor } from './matching.js';
import { attributes } from './testing.js';

const catalog = ResourceCatalog.shared();
const namespaces: Record<string, Record<string, string>> = { prod: { env: 'prod' }, dev: { env: 'dev' } };
const labelsOf = namespaceLabelsFrom(name => (namespaces[name] ? { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: namespaces[name] } } : undefined));
const rule = (r: Record<string, unknown> = {}) => ({ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: '*', ...r });
const webhook = (hook: Record<string, unknown>): WebhookAccessor => ({ uid: 'c/h/0', configurationName: 'c', hook: { name: 'h.k8ts.test', matchPolicy: 'Equivalent', rules: [rule()], ...hook } });
const podIn = (namespace: string, labels: Record<string, string> = {}) => attributes('', 'v1', 'pods', {
  operation: 'CREATE', namespace, name: 'p', object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace, labels } },
});

test('rules: operations, groups, versions, resources with subresources and wildcards', () => {
  const a = podIn('prod');
  const own = { group: '', version: 'v1', resource: 'pods' };
  assert.equal(ruleMatches(rule(), a, own), true);
  assert.equal(ruleMatches(rule({ operations: ['UPDATE'] }), a, own), false);
  assert.equal(ruleMatches(rule({ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }), a, own), true);
  assert.equal(ruleMatches(rule({ apiGroups: ['apps'] }), a, own), false);
  const status = attributes('', 'v1', 'pods', { operation: 'UPDATE', namespace: 'prod', name: 'p', subresource: 'status' });
  assert.equal(ruleMatches(rule({ operations: ['UPDATE'] }), status, own), false, 'pods does not cover pods/status');
  assert.equal(ruleMatches(rule({ operations: ['UPDATE'], resources: ['pods/status'] }), status, own), true);
  assert.equal(ruleMatches(rule({ operations: ['UPDATE'], resources: ['pods/*'] }), status, own), true);
  assert.equal(ruleMatches(rule({ operations: ['UPDATE'], resources: ['*/status'] }), status, own), true);
  assert.equal(ruleMatches(rule({ operations: ['UPDATE'], resources: ['*'] }), status, own), false);
});

test('scope: Namespaced and Cluster, with Namespaces cluster-scoped although their requests carry a namespace', () => {
  const ns = attributes('', 'v1', 'namespaces', { operation: 'UPDATE', name: 'prod', object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } } });
  const nsGvr = { group: '', version: 'v1', resource: 'namespaces' };
  const nsRule = (scope: string) => rule({ operations: ['UPDATE'], resources: ['namespaces'], scope });
  assert.equal(ruleMatches(nsRule('Cluster'), ns, nsGvr), true);
  assert.equal(ruleMatches(nsRule('Namespaced'), ns, nsGvr), false);
  const own = { group: '', version: 'v1', resource: 'pods' };
  assert.equal(ruleMatches(rule({ scope: 'Namespaced' }), podIn('prod'), own), true);
  assert.equal(ruleMatches(rule({ scope: 'Cluster' }), podIn('prod'), own), false);
});

test('namespaceSelector: by the namespace labels; cluster-scoped objects always match; a Namespace by its own labels', () => {
  const selector = { namespaceSelector: { matchLabels: { env: 'prod' } } };
  assert.ok(shouldCallHook(webhook(selector), podIn('prod'), catalog, labelsOf));
  assert.equal(shouldCallHook(webhook(selector), podIn('dev'), catalog, labelsOf), undefined);
  const node = attributes('', 'v1', 'nodes', { operation: 'CREATE', name: 'n1', object: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } } });
  assert.ok(shouldCallHook(webhook({ ...selector, rules: [rule({ resources: ['nodes'] })] }), node, catalog, labelsOf));
  const newNs = (labels: Record<string, string>) => attributes('', 'v1', 'namespaces', { operation: 'CREATE', name: 'fresh', object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fresh', labels } } });
  const nsHook = webhook({ ...selector, rules: [rule({ resources: ['namespaces'] })] });
  assert.ok(shouldCallHook(nsHook, newNs({ env: 'prod' }), catalog, labelsOf));
  assert.equal(shouldCallHook(nsHook, newNs({ env: 'dev' }), catalog, labelsOf), undefined);
});

test('a missing namespace is a NotFound only for webhooks whose rules match', () => {
  const selector = { namespaceSelector: { matchLabels: { env: 'prod' } } };
  assert.throws(() => shouldCallHook(webhook(selector), podIn('gone'), catalog, labelsOf), (e: unknown) => e instanceof NotFoundError && e.message === 'namespaces "gone" not found');
  assert.equal(shouldCallHook(webhook({ ...selector, rules: [rule({ resources: ['services'] })] }), podIn('gone'), catalog, labelsOf), undefined);
});

test('objectSelector: the new or the old object labels', () => {
  const hook = webhook({ objectSelector: { matchExpressions: [{ key: 'skip', operator: 'DoesNotExist' }] } });
  assert.ok(shouldCallHook(hook, podIn('prod'), catalog, labelsOf));
  assert.equal(shouldCallHook(hook, podIn('prod', { skip: 'yes' }), catalog, labelsOf), undefined);
  const del = attributes('', 'v1', 'pods', { operation: 'DELETE', namespace: 'prod', name: 'p', oldObject: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: {} } } });
  assert.ok(shouldCallHook(webhook({ rules: [rule({ operations: ['DELETE'] })], objectSelector: { matchExpressions: [{ key: 'skip', operator: 'DoesNotExist' }] } }), del, catalog, labelsOf));
});

test('webhooks are ordered by configuration name, with uids unique even for repeated names', () => {
  const cfg = (name: string, hooks: string[]): KubeObject => ({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name }, webhooks: hooks.map(h => ({ name: h })) } as KubeObject);
  assert.deepEqual(webhookAccessors([cfg('b', ['x.a.b']), cfg('a', ['y.a.b', 'y.a.b'])]).map(w => w.uid), ['a/y.a.b/0', 'a/y.a.b/1', 'b/x.a.b/0']);
});
