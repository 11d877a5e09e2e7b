import { test } from 'node:test';
import assert from 'node:assert/strict';
import { customResourceDefinitions, toV2 } from './openapi-custom-resources.js';

const r = {
  group: 'stable.example.com', version: 'v1', kind: 'CronTab', listKind: 'CronTabList',
  schema: {
    type: 'object',
    properties: {
      apiVersion: { type: 'string', description: 'api' },
      kind: { type: 'string', description: 'kind' },
      spec: { type: 'object', nullable: true, 'x-kubernetes-validations': [{ rule: 'true' }], properties: { port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] }, oneOf: { type: 'string' } } },
    },
  },
};

test('definitions are named by reversed group, tagged with their GVKs, metadata by ObjectMeta/ListMeta', () => {
  const v3 = customResourceDefinitions(r, '#/components/schemas/', false);
  assert.deepEqual(Object.keys(v3), ['com.example.stable.v1.CronTab', 'com.example.stable.v1.CronTabList']);
  const kind = v3['com.example.stable.v1.CronTab'] as { properties: Record<string, any>; 'x-kubernetes-group-version-kind': unknown };
  assert.deepEqual(kind['x-kubernetes-group-version-kind'], [{ group: 'stable.example.com', kind: 'CronTab', version: 'v1' }]);
  assert.deepEqual(kind.properties.metadata.allOf, [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }]);
  const list = v3['com.example.stable.v1.CronTabList'] as { properties: Record<string, any> };
  assert.deepEqual(list.properties.items.items, { $ref: '#/components/schemas/com.example.stable.v1.CronTab' });
  assert.equal(list.properties.kind.description, 'kind');
  const v2 = customResourceDefinitions(r, '#/definitions/', true)['com.example.stable.v1.CronTab'] as { properties: Record<string, any> };
  assert.equal(v2.properties.metadata.$ref, '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
});

test('v2 drops what OpenAPI v2 cannot say, but not properties that happen to be named like keywords', () => {
  const spec = (toV2(r.schema).properties as Record<string, any>).spec;
  assert.equal(spec.nullable, undefined);
  assert.equal(spec['x-kubernetes-validations'], undefined);
  assert.deepEqual(spec.properties.port, { 'x-kubernetes-int-or-string': true });
  assert.deepEqual(spec.properties.oneOf, { type: 'string' });
});
