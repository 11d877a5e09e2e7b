import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { StatusError } from '../../api/errors.js';
import { parseRequestInfo } from '../request-info.js';
import { isLongRunning, RequestLimits } from './limits.js';

/** Just enough of a ServerResponse to see what was sent, and to close. */
class FakeResponse extends EventEmitter {
  headersSent = false;
  statusCode = 0;
  body = '';
  writeHead(code: number): this { this.statusCode = code; this.headersSent = true; return this; }
  setHeader(): void {}
  end(text: string): void { this.body = text; this.emit('close'); }
}

const info = (method: string, path: string) => {
  const url = new URL(path, 'https://k8ts');
  return { ri: parseRequestInfo(method, url.pathname, url.searchParams), url };
};
const user = { username: 'u', groups: ['system:authenticated'] };
const masters = { username: 'admin', groups: ['system:masters'] };
const tooMany = (e: unknown) => e instanceof StatusError && e.code === 429 && e.reason === 'TooManyRequests'
  && e.message === 'Too many requests, please try again later.' && e.details?.retryAfterSeconds === 1;

test('limits: read-only and mutating requests have their own limits; closing frees a slot', () => {
  const limits = new RequestLimits({ maxRequestsInflight: 1, maxMutatingRequestsInflight: 1, requestTimeoutMs: 60_000 });
  const list = info('GET', '/api/v1/namespaces/default/configmaps');
  const create = info('POST', '/api/v1/namespaces/default/configmaps');
  const first = new FakeResponse();
  limits.admit(list.ri, user, list.url, first as unknown as ServerResponse);
  assert.throws(() => limits.admit(list.ri, user, list.url, new FakeResponse() as unknown as ServerResponse), tooMany);
  const write = new FakeResponse();
  limits.admit(create.ri, user, create.url, write as unknown as ServerResponse);
  assert.throws(() => limits.admit(create.ri, user, create.url, new FakeResponse() as unknown as ServerResponse), tooMany);
  limits.admit(list.ri, masters, list.url, new FakeResponse() as unknown as ServerResponse);
  first.end('done');
  write.end('done');
  limits.admit(list.ri, user, list.url, new FakeResponse() as unknown as ServerResponse);
  limits.admit(create.ri, user, create.url, new FakeResponse() as unknown as ServerResponse);
});

test('limits: long-running requests are neither counted nor timed', () => {
  for (const [method, path] of [['GET', '/api/v1/pods?watch=true'], ['GET', '/api/v1/namespaces/d/pods/p/log?follow=true'], ['POST', '/api/v1/namespaces/d/pods/p/exec'],
    ['GET', '/api/v1/namespaces/d/pods/p/attach'], ['POST', '/api/v1/namespaces/d/pods/p/portforward'], ['GET', '/api/v1/nodes/n/proxy/stats'], ['GET', '/debug/pprof/heap']]) {
    assert.equal(isLongRunning(info(method, path).ri), true, path);
  }
  for (const [method, path] of [['GET', '/api/v1/pods'], ['DELETE', '/api/v1/namespaces/d/pods/p'], ['GET', '/healthz']]) assert.equal(isLongRunning(info(method, path).ri), false, path);
  const limits = new RequestLimits({ maxRequestsInflight: 1, maxMutatingRequestsInflight: 1, requestTimeoutMs: 1 });
  const watch = info('GET', '/api/v1/pods?watch=true');
  for (let i = 0; i < 3; i++) limits.admit(watch.ri, user, watch.url, new FakeResponse() as unknown as ServerResponse);
});

test('limits: a request past its deadline gets upstream\'s 504 Timeout Status', async () => {
  const limits = new RequestLimits({ maxRequestsInflight: 0, maxMutatingRequestsInflight: 0, requestTimeoutMs: 60_000 });
  const slow = info('GET', '/api/v1/pods?timeout=10ms');
  const res = new FakeResponse();
  limits.admit(slow.ri, user, slow.url, res as unknown as ServerResponse);
  await new Promise(resolve => res.once('close', resolve));
  assert.equal(res.statusCode, 504);
  const status = JSON.parse(res.body);
  assert.equal(status.kind, 'Status');
  assert.equal(status.code, 504);
  assert.equal(status.reason, 'Timeout');
  assert.equal(status.message, 'Timeout: request did not complete within the allotted timeout');
  const bad = info('GET', '/api/v1/pods?timeout=soon');
  assert.throws(() => limits.admit(bad.ri, user, bad.url, new FakeResponse() as unknown as ServerResponse),
    (e: unknown) => e instanceof StatusError && e.code === 400 && e.message === 'invalid timeout specified in the request URL - time: invalid duration "soon"');
  const unitless = info('GET', '/api/v1/pods?timeout=10');
  assert.throws(() => limits.admit(unitless.ri, user, unitless.url, new FakeResponse() as unknown as ServerResponse),
    (e: unknown) => e instanceof StatusError && e.code === 400 && e.message === 'invalid timeout specified in the request URL - time: missing unit in duration "10"');
});
