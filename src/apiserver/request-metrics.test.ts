import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { test } from 'node:test';
import { Registry } from '../metrics/registry.js';
import { parseExposition, series } from '../metrics/testing/prometheus-text.js';
import { parseRequestInfo } from './request-info.js';
import { RequestMetrics, requestLabels, Watermark } from './request-metrics.js';

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

test('the inflight watermark reports the most requests during the last whole second', () => {
  let now = 10_000;
  const w = new Watermark(() => now);
  w.add(1);
  w.add(1);
  w.add(-1);
  assert.equal(w.lastSecond(), 0, 'the second in progress is not reported yet');
  now = 11_000;
  assert.equal(w.lastSecond(), 2);
  now = 12_500;
  assert.equal(w.lastSecond(), 1, 'a second without changes peaked at the count that held');
  w.add(-1);
  now = 13_000;
  assert.equal(w.lastSecond(), 1);
  now = 15_000;
  assert.equal(w.lastSecond(), 0);
});

test('long-running requests are open long-running requests, not inflight ones; watch events are counted by kind', async () => {
  const registry = new Registry();
  const metrics = new RequestMetrics(registry, () => new Map());
  const request = (method: string, url: string) => {
    const u = new URL(url, 'https://k8ts');
    const res = Object.assign(new EventEmitter(), { statusCode: 200 }) as unknown as ServerResponse;
    metrics.track({ method, url, headers: {} } as IncomingMessage, res, parseRequestInfo(method, u.pathname, u.searchParams), u.searchParams);
    return () => res.emit('close');
  };
  const values = async (name: string, labels: Record<string, string> = {}) => series(parseExposition(await registry.metrics()), name, labels).map(s => s.value);
  const endWatch = request('GET', '/api/v1/namespaces/a/pods?watch=true');
  const endExec = request('POST', '/api/v1/namespaces/a/pods/p/exec?command=ls');
  assert.deepEqual(await values('apiserver_longrunning_requests', { verb: 'WATCH', resource: 'pods', scope: 'namespace', group: '', version: 'v1', subresource: '', component: 'apiserver' }), [1]);
  assert.deepEqual(await values('apiserver_longrunning_requests', { resource: 'pods', subresource: 'exec' }), [1]);
  const record = metrics.watchEventsOf('apps', 'v1', 'Deployment');
  record([Buffer.alloc(800)]);
  record([Buffer.alloc(3000)]);
  endWatch();
  endExec();
  assert.deepEqual(await values('apiserver_longrunning_requests', { resource: 'pods' }), [0, 0]);
  assert.deepEqual(await values('apiserver_request_duration_seconds_count', { verb: 'WATCH', resource: 'pods' }), [1], 'a watch\'s latency is its whole life, as upstream records it');
  assert.deepEqual(await values('apiserver_watch_events_total', { group: 'apps', version: 'v1', kind: 'Deployment' }), [2]);
  assert.deepEqual(await values('apiserver_watch_events_sizes_bucket', { kind: 'Deployment', le: '1024' }), [1]);
  assert.deepEqual(await values('apiserver_watch_events_sizes_bucket', { kind: 'Deployment', le: '4096' }), [2]);
  assert.equal(series(parseExposition(await registry.metrics()), 'apiserver_watch_events_sizes_bucket', { kind: 'Deployment' }).length, 9, 'ExponentialBuckets(1024, 2, 8) and +Inf');
  // Neither the watch nor the exec took an inflight slot.
  await new Promise(resolve => setTimeout(resolve, 1100));
  assert.deepEqual(await values('apiserver_current_inflight_requests'), [0, 0]);
});

test('finished requests are counted by series and code, also for series whose values spell the same key', async () => {
  const registry = new Registry();
  const metrics = new RequestMetrics(registry, () => new Map());
  const finish = (method: string, url: string, code: number) => {
    const u = new URL(url, 'https://k8ts');
    const res = Object.assign(new EventEmitter(), { statusCode: code }) as unknown as ServerResponse;
    metrics.track({ method, url, headers: {} } as IncomingMessage, res, parseRequestInfo(method, u.pathname, u.searchParams), u.searchParams);
    res.emit('close');
  };
  const total = async (labels: Record<string, string>) => series(parseExposition(await registry.metrics()), 'apiserver_request_total', labels).map(s => s.value);
  finish('POST', '/api/v1/namespaces/a/configmaps', 201);
  finish('POST', '/api/v1/namespaces/a/configmaps', 201);
  finish('POST', '/api/v1/namespaces/a/configmaps', 409);
  assert.deepEqual(await total({ verb: 'POST', resource: 'configmaps', code: '201' }), [2]);
  assert.deepEqual(await total({ verb: 'POST', resource: 'configmaps', code: '409' }), [1]);
  finish('POST', '/api/v1/namespaces/a/configmaps', 201);
  assert.deepEqual(await total({ verb: 'POST', resource: 'configmaps', code: '201' }), [3], 'counts go on across scrapes');
  // Group "a b", version "v1" and group "a", version "b v1" would share a key spelled with spaces.
  finish('GET', '/apis/a%20b/v1/things', 200);
  finish('GET', '/apis/a/b%20v1/things', 200);
  assert.deepEqual(await total({ group: 'a b', version: 'v1', resource: 'things' }), [1]);
  assert.deepEqual(await total({ group: 'a', version: 'b v1', resource: 'things' }), [1]);
});
