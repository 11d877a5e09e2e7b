import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Attributes } from '../attributes.js';
import { ruleAllows } from './rules.js';

const res = (verb: string, resource: string, extra: Partial<Extract<Attributes, { isResourceRequest: true }>> = {}): Attributes =>
  ({ isResourceRequest: true, verb, group: '', resource, subresource: '', name: '', namespace: 'default', ...extra });
const url = (verb: string, path: string): Attributes => ({ isResourceRequest: false, verb, path });

test('verbs, groups and resources match exactly or by *', () => {
  const rule = { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] };
  assert.equal(ruleAllows(res('get', 'pods'), rule), true);
  assert.equal(ruleAllows(res('delete', 'pods'), rule), false);
  assert.equal(ruleAllows(res('get', 'pods', { group: 'apps' }), rule), false);
  assert.equal(ruleAllows(res('get', 'services'), rule), false);
  assert.equal(ruleAllows(res('delete', 'deployments', { group: 'apps' }), { verbs: ['*'], apiGroups: ['*'], resources: ['*'] }), true);
});

test('a rule for a resource does not cover its subresources', () => {
  const rule = { verbs: ['get'], apiGroups: [''], resources: ['pods'] };
  assert.equal(ruleAllows(res('get', 'pods', { subresource: 'log' }), rule), false);
  assert.equal(ruleAllows(res('get', 'pods', { subresource: 'log' }), { ...rule, resources: ['pods/log'] }), true);
});

test('*/sub matches that subresource of any resource; res/* is literal as upstream', () => {
  assert.equal(ruleAllows(res('get', 'deployments', { group: 'apps', subresource: 'scale' }), { verbs: ['get'], apiGroups: ['*'], resources: ['*/scale'] }), true);
  assert.equal(ruleAllows(res('get', 'deployments', { group: 'apps', subresource: 'status' }), { verbs: ['get'], apiGroups: ['*'], resources: ['*/scale'] }), false);
  assert.equal(ruleAllows(res('get', 'deployments', { group: 'apps' }), { verbs: ['get'], apiGroups: ['*'], resources: ['*/scale'] }), false);
  assert.equal(ruleAllows(res('get', 'pods', { subresource: 'log' }), { verbs: ['get'], apiGroups: [''], resources: ['pods/*'] }), false);
});

test('resourceNames restrict the names, and an unnamed request (list, create) never matches them', () => {
  const rule = { verbs: ['get', 'list'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] };
  assert.equal(ruleAllows(res('get', 'configmaps', { name: 'a' }), rule), true);
  assert.equal(ruleAllows(res('get', 'configmaps', { name: 'b' }), rule), false);
  assert.equal(ruleAllows(res('list', 'configmaps'), rule), false);
});

test('nonResourceURLs match exactly, by *, or by a trailing * prefix', () => {
  const rule = { verbs: ['get'], nonResourceURLs: ['/healthz', '/apis/*'] };
  assert.equal(ruleAllows(url('get', '/healthz'), rule), true);
  assert.equal(ruleAllows(url('get', '/healthz/etcd'), rule), false);
  assert.equal(ruleAllows(url('get', '/apis/apps/v1'), rule), true);
  assert.equal(ruleAllows(url('get', '/apis'), rule), false);
  assert.equal(ruleAllows(url('post', '/healthz'), rule), false);
  assert.equal(ruleAllows(url('get', '/anything'), { verbs: ['*'], nonResourceURLs: ['*'] }), true);
  // A resource rule never allows a URL, nor a URL rule a resource.
  assert.equal(ruleAllows(url('get', '/api'), { verbs: ['*'], apiGroups: ['*'], resources: ['*'] }), false);
  assert.equal(ruleAllows(res('get', 'pods'), { verbs: ['*'], nonResourceURLs: ['*'] }), false);
});
