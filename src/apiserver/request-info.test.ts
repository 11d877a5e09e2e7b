import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestInfo } from './request-info.js';

const q = (s = '') => new URLSearchParams(s);

test('namespaced objects, subresources and verbs', () => {
  assert.deepEqual(parseRequestInfo('GET', '/api/v1/namespaces/ns1/pods/p1/status', q()), {
    isResourceRequest: true, group: '', version: 'v1', resource: 'pods', namespace: 'ns1', name: 'p1', subresource: 'status', verb: 'get', rest: [],
  });
  const list = parseRequestInfo('GET', '/apis/apps/v1/namespaces/ns1/deployments', q('watch=true'));
  assert.ok(list.isResourceRequest && list.verb === 'watch' && list.group === 'apps' && list.name === '');
  const dc = parseRequestInfo('DELETE', '/api/v1/namespaces/ns1/configmaps', q());
  assert.ok(dc.isResourceRequest && dc.verb === 'deletecollection');
});

test('namespaces address themselves; finalize and status are their subresources', () => {
  const ns = parseRequestInfo('PUT', '/api/v1/namespaces/foo/finalize', q());
  assert.ok(ns.isResourceRequest && ns.resource === 'namespaces' && ns.name === 'foo' && ns.subresource === 'finalize' && ns.namespace === '');
  const all = parseRequestInfo('GET', '/api/v1/pods', q());
  assert.ok(all.isResourceRequest && all.namespace === '' && all.verb === 'list');
  const legacyWatch = parseRequestInfo('GET', '/api/v1/watch/namespaces/a/pods', q());
  assert.ok(legacyWatch.isResourceRequest && legacyWatch.verb === 'watch' && legacyWatch.namespace === 'a');
});

test('non-resource paths', () => {
  assert.equal(parseRequestInfo('GET', '/healthz', q()).isResourceRequest, false);
  assert.equal(parseRequestInfo('GET', '/apis/apps', q()).isResourceRequest, false);
});
