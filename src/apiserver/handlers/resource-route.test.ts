import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResourceCatalog } from '../../api/catalog.js';
import { StatusError } from '../../api/errors.js';
import { parseRequestInfo, type ResourceRequest } from '../request-info.js';
import type { ResourceStrategy } from '../registry/strategy.js';
import { routeResourceRequest } from './resource-route.js';

function route(method: string, path: string, strategy: ResourceStrategy = {}): string {
  const ri = parseRequestInfo(method, path, new URLSearchParams()) as ResourceRequest;
  const info = ResourceCatalog.shared().find(ri.group, ri.version, ri.resource)!;
  try {
    return routeResourceRequest(ri, info, strategy);
  } catch (err) {
    assert.ok(err instanceof StatusError, String(err));
    return `${err.code} ${err.message}`;
  }
}

test('subresources with their own handler, the status subresource and plain verbs (table)', () => {
  const finalize: ResourceStrategy = { subresourceUpdates: { finalize: () => undefined } };
  const cases: [string, string, ResourceStrategy | undefined, string][] = [
    ['GET', '/api/v1/namespaces/ns/pods/p', undefined, 'store'],
    ['GET', '/api/v1/namespaces/ns/pods', undefined, 'store'],
    ['PUT', '/api/v1/namespaces/ns/pods/p/status', undefined, 'store'],
    ['POST', '/api/v1/namespaces/ns/pods/p/binding', undefined, 'binding'],
    ['POST', '/api/v1/namespaces/ns/pods/p/eviction', undefined, 'eviction'],
    ['GET', '/apis/apps/v1/namespaces/ns/deployments/d/scale', undefined, 'scale'],
    ['PUT', '/api/v1/namespaces/n/finalize', finalize, 'store'],
    ['PUT', '/api/v1/namespaces/n/finalize', undefined, '405 the server does not allow this method on the requested resource (namespaces/finalize)'],
    ['GET', '/api/v1/namespaces/ns/pods/p/nonsense', undefined, '404 pods/nonsense "p" not found'],
    ['POST', '/api/v1/namespaces/ns/events/e/status', undefined, '405 the server does not allow this method on the requested resource'],
  ];
  for (const [method, path, strategy, want] of cases) assert.equal(route(method, path, strategy), want, `${method} ${path}`);
});

test('a named namespaced object without a namespace is not found', () => {
  assert.equal(route('GET', '/api/v1/pods/p'), '404 pods "p" not found');
  assert.equal(route('GET', '/api/v1/pods'), 'store');
});
