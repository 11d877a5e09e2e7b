import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectRefs, openapiV2 } from '../../api/openapi-docs.js';
import type { JsonValue } from '../patch/json.js';
import { mergeSwaggerDocuments, type SwaggerDocument } from '../aggregator/openapi-v2-merge.js';
import { metricsOpenAPIV2, metricsOpenAPIV3 } from './metrics-openapi.js';

const kinds = (schemas: Record<string, { 'x-kubernetes-group-version-kind'?: { kind: string }[] }>) =>
  Object.values(schemas).flatMap(s => s['x-kubernetes-group-version-kind'] ?? []).map(k => k.kind).sort();

test('the v3 document names every metrics kind and holds every schema it refers to', () => {
  const doc = JSON.parse(metricsOpenAPIV3().toString('utf8'));
  const schemas = doc.components.schemas;
  assert.deepEqual(kinds(schemas), ['NodeMetrics', 'NodeMetricsList', 'PodMetrics', 'PodMetricsList']);
  for (const name of collectRefs(doc)) assert.ok(schemas[name], `${name} is referred to but missing`);
  assert.ok(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'], 'the shared definitions it reaches are added');
  const get = doc.paths['/apis/metrics.k8s.io/v1beta1/namespaces/{namespace}/pods/{name}'].get;
  assert.equal(get.responses['200'].content['application/json'].schema.$ref, '#/components/schemas/io.k8s.metrics.pkg.apis.metrics.v1beta1.PodMetrics');
  assert.deepEqual(get['x-kubernetes-group-version-kind'], { group: 'metrics.k8s.io', version: 'v1beta1', kind: 'PodMetrics' });
});

test('merged into the cluster\'s v2 document, every reference resolves', () => {
  const base = JSON.parse(openapiV2().toString('utf8')) as SwaggerDocument;
  const merged = mergeSwaggerDocuments(base, [metricsOpenAPIV2() as JsonValue]);
  assert.ok(merged.paths['/apis/metrics.k8s.io/v1beta1/nodes/{name}']);
  const own = Object.fromEntries(Object.entries(merged.definitions).filter(([name]) => name.startsWith('io.k8s.metrics.')));
  assert.deepEqual(kinds(own as never), ['NodeMetrics', 'NodeMetricsList', 'PodMetrics', 'PodMetricsList']);
  for (const name of collectRefs(own)) assert.ok(merged.definitions[name], `${name} is referred to but missing`);
});
