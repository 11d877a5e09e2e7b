import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeSwaggerDocuments, type SwaggerDocument } from './openapi-v2-merge.js';

const gvk = (kind: string) => [{ group: 'echo.k8ts.io', version: 'v1', kind }];

const base = (): SwaggerDocument => ({
  swagger: '2.0',
  paths: { '/api/v1/pods': { get: { description: 'list pods' } } },
  definitions: {
    'io.k8s.Shared': { type: 'object', properties: { a: { type: 'string' } }, 'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'Shared' }] },
    'io.k8s.Taken': { type: 'string' },
  },
});

test('an extension keeps only its /apis/ paths and the definitions they reach', () => {
  const merged = mergeSwaggerDocuments(base(), [{
    swagger: '2.0',
    paths: {
      '/apis/echo.k8ts.io/v1/echoes': { get: { responses: { 200: { schema: { $ref: '#/definitions/io.k8ts.Echo' } } } } },
      '/healthz': { get: { description: 'health' } },
    },
    definitions: {
      'io.k8ts.Echo': { type: 'object', properties: { spec: { $ref: '#/definitions/io.k8ts.EchoSpec' } }, 'x-kubernetes-group-version-kind': gvk('Echo') },
      'io.k8ts.EchoSpec': { type: 'object' },
      'io.k8ts.Unused': { type: 'object' },
    },
  }]);
  assert.deepEqual(Object.keys(merged.paths).sort(), ['/api/v1/pods', '/apis/echo.k8ts.io/v1/echoes']);
  assert.ok(merged.definitions['io.k8ts.Echo']);
  assert.ok(merged.definitions['io.k8ts.EchoSpec']);
  assert.equal(merged.definitions['io.k8ts.Unused'], undefined);
});

test('a path already present stays; a taken definition name is renamed with its references, an equal one shares kinds', () => {
  const b = base();
  const merged = mergeSwaggerDocuments(b, [{
    paths: {
      '/api/v1/pods': { get: { description: 'not ours' } },
      '/apis/echo.k8ts.io/v1/echoes': { get: { responses: { 200: { schema: { $ref: '#/definitions/io.k8s.Taken' } } }, parameters: [{ schema: { $ref: '#/definitions/io.k8s.Shared' } }] } },
    },
    definitions: {
      'io.k8s.Taken': { type: 'object', 'x-kubernetes-group-version-kind': gvk('Echo') },
      'io.k8s.Shared': { type: 'object', properties: { a: { type: 'string' } }, 'x-kubernetes-group-version-kind': gvk('Shared') },
    },
  }]);
  assert.deepEqual(merged.paths['/api/v1/pods'], { get: { description: 'list pods' } });
  assert.deepEqual(merged.definitions['io.k8s.Taken'], { type: 'string' });
  assert.deepEqual(merged.definitions['io.k8s.Taken_v2'], { type: 'object', 'x-kubernetes-group-version-kind': gvk('Echo') });
  const op = (merged.paths['/apis/echo.k8ts.io/v1/echoes'] as { get: { responses: { 200: { schema: { $ref: string } } } } }).get;
  assert.equal(op.responses[200].schema.$ref, '#/definitions/io.k8s.Taken_v2');
  assert.deepEqual((merged.definitions['io.k8s.Shared'] as Record<string, unknown>)['x-kubernetes-group-version-kind'], [{ group: '', version: 'v1', kind: 'Shared' }, ...gvk('Shared')]);
  // The base document is left as it was.
  assert.deepEqual(Object.keys(b.definitions), ['io.k8s.Shared', 'io.k8s.Taken']);
  assert.equal((b.definitions['io.k8s.Shared'] as Record<string, unknown[]>)['x-kubernetes-group-version-kind'].length, 1);
});

test('a second extension with the same conflicting definition reuses the renamed one; no Swagger document is skipped', () => {
  const ext = {
    paths: { '/apis/a/v1/x': { get: { schema: { $ref: '#/definitions/io.k8s.Taken' } } } },
    definitions: { 'io.k8s.Taken': { type: 'integer' } },
  };
  const ext2 = { ...ext, paths: { '/apis/b/v1/x': ext.paths['/apis/a/v1/x'] } };
  const merged = mergeSwaggerDocuments(base(), [ext, 'not a document', ext2]);
  assert.deepEqual(merged.definitions['io.k8s.Taken_v2'], { type: 'integer' });
  assert.equal(merged.definitions['io.k8s.Taken_v3'], undefined);
  assert.equal(JSON.stringify(merged.paths['/apis/b/v1/x']), '{"get":{"schema":{"$ref":"#/definitions/io.k8s.Taken_v2"}}}');
});
