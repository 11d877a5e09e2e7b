import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseYaml } from 'yaml';
import { openapiV2 } from '../../api/openapi-docs.js';
import { encodeOpenApiV2Document, OpenApiV2EncodingError } from './openapi-v2.js';
import { Reader } from './wire.js';

// The bytes are read back field by field, with the field numbers of gnostic's OpenAPIv2.proto
// written out here, so a wrong number in the encoder shows up as a missing or misplaced field.

type Value = Buffer | number;

function fields(buf: Buffer): Map<number, Value[]> {
  const out = new Map<number, Value[]>();
  const r = new Reader(buf);
  while (!r.done) {
    const { field, wire } = r.tag();
    const v = wire === 2 ? r.bytes() : wire === 0 ? r.int64() : wire === 1 ? r.double() : assert.fail(`wire type ${wire}`);
    out.set(field, [...(out.get(field) ?? []), v]);
  }
  return out;
}

const all = (buf: Buffer, field: number): Value[] => fields(buf).get(field) ?? [];
const msgs = (buf: Buffer, field: number): Buffer[] => all(buf, field) as Buffer[];
function msg(buf: Buffer, ...path: number[]): Buffer {
  for (const f of path) {
    const found = msgs(buf, f);
    assert.equal(found.length, 1, `field ${f}: ${found.length} values`);
    buf = found[0];
  }
  return buf;
}
const str = (buf: Buffer, field: number): string | undefined => (msgs(buf, field)[0] as Buffer | undefined)?.toString('utf8');
const strs = (buf: Buffer, field: number): string[] => msgs(buf, field).map(b => b.toString('utf8'));
const num = (buf: Buffer, field: number): number | undefined => all(buf, field)[0] as number | undefined;

/** gnostic's repeated Named* pairs ({name = 1, value = 2}) at `field`, by name. */
function named(buf: Buffer, field = 1): Map<string, Buffer> {
  return new Map(msgs(buf, field).map(pair => [str(pair, 1)!, msg(pair, 2)]));
}

/** An Any's YAML text (field 2), parsed as YAML as kube-openapi does. */
const anyValue = (buf: Buffer): unknown => parseYaml(str(buf, 2)!);

const json = JSON.parse(openapiV2().toString('utf8'));
const doc = encodeOpenApiV2Document(json);

test('the served document: swagger, info, every path and definition', () => {
  assert.equal(str(doc, 1), '2.0');
  assert.equal(str(msg(doc, 2), 1), json.info.title);
  assert.equal(str(msg(doc, 2), 2), json.info.version);
  assert.deepEqual([...named(msg(doc, 8), 2).keys()], Object.keys(json.paths));
  assert.deepEqual([...named(msg(doc, 9)).keys()], Object.keys(json.definitions));
  assert.deepEqual([...named(msg(doc, 10)).keys()], Object.keys(json.parameters));
});

test('a definition: description, required, properties with types, additionalProperties, items, $ref and x-kubernetes-* extensions', () => {
  const defs = named(msg(doc, 9));
  const configMap = defs.get('io.k8s.api.core.v1.ConfigMap')!;
  assert.equal(str(configMap, 4), json.definitions['io.k8s.api.core.v1.ConfigMap'].description);
  const ext = named(configMap, 31);
  assert.deepEqual(anyValue(ext.get('x-kubernetes-group-version-kind')!), [{ group: '', kind: 'ConfigMap', version: 'v1' }]);
  const props = named(msg(configMap, 25));
  assert.deepEqual(strs(msg(props.get('data')!, 22), 1), ['object']);
  assert.deepEqual(strs(msg(props.get('data')!, 21, 1, 22), 1), ['string']);
  assert.deepEqual(strs(msg(props.get('binaryData')!, 21, 1), 2), ['byte']);
  assert.equal(str(props.get('metadata')!, 1), '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');

  const container = defs.get('io.k8s.api.core.v1.Container')!;
  assert.deepEqual(strs(container, 19), ['name']);
  const ports = named(msg(container, 25)).get('ports')!;
  assert.equal(str(msg(ports, 23, 1), 1), '#/definitions/io.k8s.api.core.v1.ContainerPort');
  const portExt = named(ports, 31);
  assert.equal(anyValue(portExt.get('x-kubernetes-list-type')!), 'map');
  assert.deepEqual(anyValue(portExt.get('x-kubernetes-list-map-keys')!), ['containerPort', 'protocol']);
  assert.equal(anyValue(portExt.get('x-kubernetes-patch-merge-key')!), 'containerPort');
});

test('a path item: shared parameters by reference, operations with their extensions, body and query parameters, responses', () => {
  const item = named(msg(doc, 8), 2).get('/api/v1/namespaces/{namespace}/configmaps')!;
  const shared = msgs(item, 9).map(p => str(msg(p, 2), 1));
  assert.ok(shared.includes('#/parameters/namespace-vgWSWtn3'), shared.join());

  const list = msg(item, 2);
  assert.equal(str(list, 5), 'listCoreV1NamespacedConfigMap');
  assert.deepEqual(strs(list, 1), ['core_v1']);
  assert.deepEqual(strs(list, 10), ['https']);
  const ext = named(list, 13);
  assert.equal(anyValue(ext.get('x-kubernetes-action')!), 'list');
  assert.deepEqual(anyValue(ext.get('x-kubernetes-group-version-kind')!), { group: '', kind: 'ConfigMap', version: 'v1' });
  const ok = named(msg(list, 9)).get('200')!;
  assert.equal(str(msg(ok, 1), 1), 'OK');
  assert.equal(str(msg(ok, 1, 2, 1), 1), '#/definitions/io.k8s.api.core.v1.ConfigMapList');

  const create = msg(item, 4);
  const params = msgs(create, 8).filter(p => fields(p).has(1)).map(p => msg(p, 1));
  const body = params.map(p => fields(p).get(1)?.[0] as Buffer | undefined).find(Boolean)!;
  assert.equal(str(body, 2), 'body');
  assert.equal(str(body, 3), 'body');
  assert.equal(num(body, 4), 1);
  assert.equal(str(msg(body, 5), 1), '#/definitions/io.k8s.api.core.v1.ConfigMap');
  const queries = params.filter(p => fields(p).has(2)).map(p => msg(p, 2, 3));
  const fieldValidation = queries.find(q => str(q, 4) === 'fieldValidation')!;
  assert.equal(str(fieldValidation, 2), 'query');
  assert.equal(str(fieldValidation, 6), 'string');
  assert.equal(num(fieldValidation, 20), 1, 'uniqueItems');
});

test('security definitions and requirements', () => {
  const bearer = named(msg(doc, 13)).get('BearerToken')!;
  const apiKey = msg(bearer, 2);
  assert.deepEqual([str(apiKey, 1), str(apiKey, 2), str(apiKey, 3), str(apiKey, 4)], ['apiKey', 'authorization', 'header', 'Bearer Token authentication']);
  const req = msgs(doc, 12);
  assert.equal(req.length, 1);
  assert.deepEqual([...named(req[0]).keys()], ['BearerToken']);
  assert.deepEqual(strs(named(req[0]).get('BearerToken')!, 1), []);
});

test('schema and parameter fields Kubernetes documents rarely use keep their numbers', () => {
  const bytes = encodeOpenApiV2Document({
    swagger: '2.0',
    info: { title: 't', version: 'v' },
    paths: {
      '/p/{name}': {
        parameters: [{ name: 'name', in: 'path', required: true, type: 'string' }],
        get: {
          parameters: [
            { name: 'limit', in: 'query', type: 'integer', minimum: 1, maximum: 500, allowEmptyValue: true, enum: [1, 2] },
            { name: 'X-Trace', in: 'header', type: 'array', items: { type: 'string' } },
          ],
          responses: { default: { $ref: '#/responses/err' } },
        },
      },
    },
    definitions: {
      closed: { type: 'object', additionalProperties: false, maxProperties: 3, default: { a: 1 } },
      text: { type: ['string', 'null'], enum: ['x', 'y: z'], maxLength: 10, pattern: '^x', allOf: [{ $ref: '#/definitions/closed' }] },
    },
  });
  const defs = named(msg(bytes, 9));
  const closed = defs.get('closed')!;
  assert.equal(num(msg(closed, 21), 2), 0, 'additionalProperties: false is written');
  assert.equal(num(closed, 17), 3);
  assert.deepEqual(anyValue(msg(closed, 5)), { a: 1 });
  const text = defs.get('text')!;
  assert.deepEqual(strs(msg(text, 22), 1), ['string', 'null']);
  assert.deepEqual(msgs(text, 20).map(anyValue), ['x', 'y: z']);
  assert.equal(num(text, 11), 10);
  assert.equal(str(text, 13), '^x');
  assert.equal(str(msg(text, 24), 1), '#/definitions/closed');

  const item = named(msg(bytes, 8), 2).get('/p/{name}')!;
  const path = msg(item, 9, 1, 2, 4);
  assert.deepEqual([num(path, 1), str(path, 2), str(path, 4), str(path, 5)], [1, 'path', 'name', 'string']);
  const [limit, trace] = msgs(msg(item, 2), 8).map(p => msg(p, 1, 2));
  const query = msg(limit, 3);
  assert.deepEqual([num(query, 5), str(query, 6), num(query, 11), num(query, 13)], [1, 'integer', 500, 1]);
  assert.deepEqual(msgs(query, 21).map(anyValue), [1, 2]);
  const header = msg(trace, 1);
  assert.deepEqual([str(header, 2), str(header, 5), str(msg(header, 7), 1)], ['header', 'array', 'string']);
  assert.equal(str(msg(msg(item, 2), 9, 1, 2, 2), 1), '#/responses/err');
});

test('a parameter or security scheme gnostic has no message for is refused', () => {
  assert.throws(() => encodeOpenApiV2Document({ parameters: { c: { name: 'c', in: 'cookie' } } }), OpenApiV2EncodingError);
  assert.throws(() => encodeOpenApiV2Document({ securityDefinitions: { s: { type: 'openIdConnect' } } }), OpenApiV2EncodingError);
});
