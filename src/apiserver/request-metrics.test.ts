import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { parseRequestInfo } from './request-info.js';
import { requestLabels } from './request-metrics.js';

const labelsOf = (method: string, url: string, contentType?: string) => {
  const u = new URL(url, 'https://k8ts');
  const req = { method, url, headers: contentType ? { 'content-type': contentType } : {} } as IncomingMessage;
  return requestLabels(req, parseRequestInfo(method, u.pathname, u.searchParams), u.searchParams);
};

test('verbs are reported as upstream\'s installer names them', () => {
  assert.equal(labelsOf('GET', '/api/v1/namespaces/a/pods').verb, 'LIST');
  assert.equal(labelsOf('GET', '/api/v1/namespaces/a/pods?watch=true').verb, 'WATCH');
  assert.equal(labelsOf('POST', '/api/v1/namespaces/a/pods').verb, 'POST');
  assert.equal(labelsOf('PUT', '/api/v1/namespaces/a/pods/p').verb, 'PUT');
  assert.equal(labelsOf('PATCH', '/api/v1/namespaces/a/pods/p', 'application/merge-patch+json').verb, 'PATCH');
  assert.equal(labelsOf('PATCH', '/api/v1/namespaces/a/pods/p', 'application/apply-patch+yaml').verb, 'APPLY');
  assert.equal(labelsOf('DELETE', '/api/v1/namespaces/a/pods').verb, 'DELETECOLLECTION');
  assert.equal(labelsOf('GET', '/healthz').verb, 'GET');
});

test('scope is resource for a named object or a create, else namespace or cluster', () => {
  assert.equal(labelsOf('GET', '/api/v1/namespaces/a/pods/p').scope, 'resource');
  assert.equal(labelsOf('POST', '/api/v1/namespaces/a/pods').scope, 'resource');
  assert.equal(labelsOf('GET', '/api/v1/namespaces/a/pods').scope, 'namespace');
  assert.equal(labelsOf('GET', '/apis/apps/v1/deployments').scope, 'cluster');
  assert.equal(labelsOf('GET', '/metrics').scope, '');
});

test('group, version, resource, subresource and dry run are carried', () => {
  assert.deepEqual(labelsOf('PUT', '/apis/apps/v1/namespaces/a/deployments/d/scale?dryRun=All'), {
    verb: 'PUT', dry_run: 'All', group: 'apps', version: 'v1', resource: 'deployments', subresource: 'scale', scope: 'resource', component: 'apiserver',
  });
});
