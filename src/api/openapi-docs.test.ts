import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openapiV2, openapiV3Document, openapiV3Index } from './openapi-docs.js';

interface V3Doc {
  openapi: string;
  paths: Record<string, Record<string, any>>;
  components: { schemas: Record<string, any> };
}

const doc = (path: string) => JSON.parse(openapiV3Document(path)!.toString()) as V3Doc;

function refsIn(value: unknown): string[] {
  return [...JSON.stringify(value).matchAll(/"\$ref":"([^"]+)"/g)].map(m => m[1]);
}

test('v2 keeps served groups and non-API paths, and is built once', () => {
  const v2 = JSON.parse(openapiV2().toString());
  assert.equal(v2.swagger, '2.0');
  assert.ok(v2.paths['/api/v1/namespaces/{namespace}/pods']);
  assert.ok(v2.paths['/version/']);
  assert.ok(!Object.keys(v2.paths).some(p => p.startsWith('/apis/flowcontrol.apiserver.k8s.io')));
  assert.equal(openapiV2(), openapiV2());
});

test('v3 index names one document per served group-version, group and root, with a content hash', () => {
  const { paths } = openapiV3Index();
  for (const k of ['api', 'api/v1', 'apis', 'apis/apps', 'apis/apps/v1', 'apis/autoscaling/v1', 'apis/authentication.k8s.io/v1', 'version']) {
    assert.match(paths[k]?.serverRelativeURL ?? '', new RegExp(`^/openapi/v3/${k}\\?hash=[0-9A-F]{128}$`), k);
  }
  assert.ok(!Object.keys(paths).some(k => k.includes('flowcontrol') || k.includes('resource.k8s.io')));
  assert.deepEqual(Object.keys(paths), Object.keys(paths).sort());
  assert.notEqual(paths['api/v1'].serverRelativeURL.split('=')[1], paths['apis/apps/v1'].serverRelativeURL.split('=')[1]);
});

test('api/v1 holds only core paths and a closed set of component schemas', () => {
  const v1 = doc('api/v1');
  assert.equal(v1.openapi, '3.0.0');
  assert.ok(Object.keys(v1.paths).every(p => p.startsWith('/api/v1/')));
  const pod = v1.components.schemas['io.k8s.api.core.v1.Pod'];
  assert.deepEqual(pod['x-kubernetes-group-version-kind'], [{ group: '', kind: 'Pod', version: 'v1' }]);
  const refs = refsIn(v1);
  assert.ok(refs.length > 0);
  for (const ref of refs) {
    assert.match(ref, /^#\/components\/schemas\//);
    assert.ok(v1.components.schemas[ref.slice('#/components/schemas/'.length)], `dangling ${ref}`);
  }
  assert.ok(!v1.components.schemas['io.k8s.api.apps.v1.Deployment']);
});

test('operations carry v3 request bodies, responses and query parameters', () => {
  const v1 = doc('api/v1');
  const create = v1.paths['/api/v1/namespaces/{namespace}/pods'].post;
  // The v2 spec says create consumes */*, which upstream's v3 keeps.
  assert.deepEqual(create.requestBody.content['*/*'].schema, { $ref: '#/components/schemas/io.k8s.api.core.v1.Pod' });
  assert.equal(create.requestBody.required, true);
  assert.deepEqual(create.responses['201'].content['application/json'].schema, { $ref: '#/components/schemas/io.k8s.api.core.v1.Pod' });
  assert.equal(create.schemes, undefined);
  // kubectl decides whether the server does field validation from this parameter on PATCH.
  const patch = v1.paths['/api/v1/namespaces/{namespace}/pods/{name}'].patch;
  const fieldValidation = patch.parameters.find((p: any) => p.name === 'fieldValidation');
  assert.deepEqual([fieldValidation.in, fieldValidation.schema.type], ['query', 'string']);
  assert.ok(!patch.parameters.some((p: any) => p.in === 'body'));
  assert.ok(patch.requestBody.content['application/strategic-merge-patch+json']);
  const shared = v1.paths['/api/v1/namespaces/{namespace}/pods/{name}'].parameters;
  assert.ok(shared.some((p: any) => p.name === 'namespace' && p.in === 'path' && p.schema.type === 'string'));
});

test('a $ref with a description becomes allOf, so explain shows the referenced type', () => {
  const apps = doc('apis/apps/v1');
  const rolling = apps.components.schemas['io.k8s.api.apps.v1.RollingUpdateDeployment'];
  assert.deepEqual(rolling.properties.maxSurge.allOf, [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString' }]);
  assert.equal(typeof rolling.properties.maxSurge.description, 'string');
  assert.ok(apps.components.schemas['io.k8s.api.core.v1.PodSpec'], 'schemas reachable through other groups are included');
});

test('documents are looked up without query or trailing slash; unknown ones are undefined', () => {
  assert.equal(openapiV3Document('api/v1?hash=ABC'), openapiV3Document('api/v1'));
  assert.equal(openapiV3Document('apis/apps/v1/'), openapiV3Document('apis/apps/v1'));
  assert.equal(openapiV3Document('apis/flowcontrol.apiserver.k8s.io/v1'), undefined);
  assert.ok(doc('apis').paths['/apis/']);
  assert.ok(doc('version').components.schemas['io.k8s.apimachinery.pkg.version.Info']);
});

test('IntOrString and Quantity are oneOf without a type, as upstream publishes them', () => {
  const schemas = doc('api/v1').components.schemas;
  assert.deepEqual(schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].oneOf, [{ type: 'integer' }, { type: 'string' }]);
  assert.equal(schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].format, 'int-or-string');
  assert.equal(schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].type, undefined);
  assert.deepEqual(schemas['io.k8s.apimachinery.pkg.api.resource.Quantity'].oneOf, [{ type: 'string' }, { type: 'number' }]);
  assert.equal(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Time'].type, 'string');
});
