import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { CustomResourceDefinition, JSONSchemaProps } from '../types/generated.js';
import { compileCustomResourceSchema } from './index.js';

function compiled(schema: JSONSchemaProps) {
  const crd: CustomResourceDefinition = {
    metadata: { name: 'widgets.example.com' },
    spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', kind: 'Widget' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } }] },
  };
  return compileCustomResourceSchema(crd, 'v1');
}

/** A schema whose only field is `spec`, an object of the given schema. */
const compiledSpec = (spec: Omit<JSONSchemaProps, 'type'>) => compiled({ type: 'object', properties: { spec: { type: 'object', ...spec } } });

const base = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', labels: { a: 'b' } } };

test('pruning drops unknown fields, keeps type and object meta, honours preserve-unknown-fields and embedded resources', () => {
  const s = compiledSpec({
    properties: {
      a: { type: 'string' },
      free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'object', properties: { x: { type: 'string' } } } } },
      tmpl: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object' } } },
      m: { type: 'object', additionalProperties: { type: 'object', properties: { v: { type: 'integer' } } } },
    },
  });
  const obj: Record<string, any> = {
    ...structuredClone(base),
    extra: 1,
    spec: { a: 'x', b: 2, free: { anything: [1], known: { x: 'y', z: 1 } }, tmpl: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { deep: 1 }, junk: 1 }, m: { k: { v: 1, w: 2 } } },
  };
  s.prune(obj);
  assert.deepEqual(obj, {
    ...base,
    spec: { a: 'x', free: { anything: [1], known: { x: 'y' } }, tmpl: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} }, m: { k: { v: 1 } } },
  });
});

test('defaulting: missing fields and non-nullable nulls get defaults, nested; nulls without defaults are dropped', () => {
  const s = compiledSpec({
    default: {},
    properties: {
      replicas: { type: 'integer', default: 1 },
      opt: { type: 'string', nullable: true, default: 'd' },
      gone: { type: 'string' },
      ports: { type: 'array', items: { type: 'object', properties: { protocol: { type: 'string', default: 'TCP' } } } },
    },
  });
  const empty: Record<string, any> = structuredClone(base);
  s.applyDefaults(empty);
  assert.deepEqual(empty.spec, { replicas: 1, opt: 'd' });
  const obj: Record<string, any> = { ...structuredClone(base), spec: { replicas: null, opt: null, gone: null, ports: [{}, { protocol: 'UDP' }] } };
  s.applyDefaults(obj);
  assert.deepEqual(obj.spec, { replicas: 1, opt: null, ports: [{ protocol: 'TCP' }, { protocol: 'UDP' }] });
});

test('OpenAPI value validation with upstream messages', () => {
  const s = compiledSpec({
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 2, maxLength: 4, pattern: '^[a-z]+$' },
      n: { type: 'integer', minimum: 1, maximum: 10, exclusiveMaximum: true, multipleOf: 3 },
      mode: { type: 'string', enum: ['A', 'B'] },
      when: { type: 'string', format: 'date-time' },
      data: { type: 'string', format: 'byte' },
      tags: { type: 'array', maxItems: 1, items: { type: 'string' } },
      size: { 'x-kubernetes-int-or-string': true },
      kv: { type: 'object', maxProperties: 1, additionalProperties: { type: 'string' } },
      one: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, oneOf: [{ required: ['a'] }, { required: ['b'] }] },
    },
  });
  const errs = s.validate({ ...base, spec: { name: 'ABCDE', n: 10, mode: 'C', when: 'yesterday', data: 'a', tags: ['x', 'y'], size: true, kv: { a: 'b', c: 'd' }, one: { a: 'x', b: 'y' } } }).map(String);
  for (const e of [
    'spec.name: Too long: may not be more than 4 bytes',
    'spec.name: Invalid value: "ABCDE": spec.name in body should match \'^[a-z]+$\'',
    'spec.n: Invalid value: 10: spec.n in body should be less than 10',
    'spec.mode: Unsupported value: "C": supported values: "A", "B"',
    'spec.when: Invalid value: "yesterday": spec.when in body must be of type date-time: "yesterday"',
    'spec.data: Invalid value: "a": spec.data in body must be of type byte: "a"',
    'spec.tags: Too many: must have at most 1 items',
    'spec.size: Invalid value: true: spec.size in body must be of type integer,string: "boolean"',
    'spec.kv: Too many: must have at most 1 items',
    'spec.one: Invalid value: {...}: spec.one in body must validate one and only one schema (oneOf). Found 2 valid alternatives',
  ]) assert.ok(errs.includes(e), `${e}\n--- got:\n${errs.join('\n')}`);
  assert.deepEqual(s.validate({ ...base, spec: {} }).map(String), ['spec.name: Required value']);
  assert.deepEqual(s.validate({ ...base, spec: { name: 'ab', n: 3, when: '2024-02-29T10:00:00Z', data: 'YWJj', size: '10%' } }), []);
});

test('list-type set and map report duplicates', () => {
  const s = compiled({
    type: 'object',
    properties: {
      set: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
      ports: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['port', 'protocol'], items: { type: 'object', required: ['port', 'protocol'], properties: { port: { type: 'integer' }, protocol: { type: 'string' } } } },
    },
  });
  assert.deepEqual(s.validate({ ...base, set: ['a', 'b', 'a', 'a'], ports: [{ port: 80, protocol: 'TCP' }, { port: 80, protocol: 'UDP' }, { port: 80, protocol: 'TCP' }] }).map(String), [
    'set[2]: Duplicate value: "a"',
    'ports[2]: Duplicate value: map[string]interface {}{"port":80, "protocol":"TCP"}',
  ]);
});

test('CEL rules: self, messageExpression, reason, fieldPath, root rules and cost', () => {
  const s = compiled({
    type: 'object',
    'x-kubernetes-validations': [{ rule: "self.metadata.name != 'forbidden'", message: 'bad name' }],
    properties: {
      spec: {
        type: 'object',
        properties: { min: { type: 'integer' }, max: { type: 'integer' }, list: { type: 'array', items: { type: 'string' } } },
        'x-kubernetes-validations': [
          { rule: 'self.min <= self.max', messageExpression: "'min ' + string(self.min) + ' exceeds max ' + string(self.max)" },
          { rule: 'has(self.max)', reason: 'FieldValueRequired', fieldPath: '.max', message: 'max is required' },
          { rule: 'self.min >= 0', reason: 'FieldValueForbidden' },
          { rule: 'self.list.all(x, x.size() < 3)', fieldPath: '.list' },
        ],
      },
    },
  });
  assert.deepEqual(s.validate({ ...base, spec: { min: 5, max: 1, list: [] } }).map(String), ['spec: Invalid value: "object": min 5 exceeds max 1']);
  assert.deepEqual(s.validate({ ...base, metadata: { name: 'forbidden' }, spec: { min: -1, list: ['long'] } }).map(String), [
    '<nil>: Invalid value: "object": bad name',
    'spec: Invalid value: "object": no such key: max evaluating rule: self.min <= self.max',
    'spec.max: Required value: max is required',
    'spec: Forbidden: failed rule: self.min >= 0',
    'spec.list: Invalid value: "object": failed rule: self.list.all(x, x.size() < 3)',
  ]);
});

test('transition rules run on update only, with correlated old values; unchanged values ratchet', () => {
  const s = compiledSpec({
    properties: {
      id: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'id is immutable' }] },
      grow: { type: 'integer', 'x-kubernetes-validations': [{ rule: '!oldSelf.hasValue() || self >= oldSelf.value()', optionalOldSelf: true, message: 'may only grow' }] },
      legacy: { type: 'string', 'x-kubernetes-validations': [{ rule: "self != 'old'" }] },
      items: {
        type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'],
        items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, v: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self >= oldSelf', message: 'no decrease' }] } } },
      },
    },
  });
  assert.deepEqual(s.validate({ ...base, spec: { id: 'a', grow: 1 } }), []);
  const old = { ...base, spec: { id: 'a', grow: 5, legacy: 'old', items: [{ name: 'x', v: 3 }, { name: 'y', v: 1 }] } };
  assert.deepEqual(s.validate({ ...base, spec: { id: 'b', grow: 4, legacy: 'old', items: [{ name: 'y', v: 2 }, { name: 'x', v: 2 }, { name: 'z', v: 0 }] } }, old).map(String), [
    'spec.id: Invalid value: "string": id is immutable',
    'spec.grow: Invalid value: "integer": may only grow',
    'spec.items[1].v: Invalid value: "integer": no decrease',
  ]);
  assert.deepEqual(s.validate({ ...base, spec: { legacy: 'old' } }).map(String), ['spec.legacy: Invalid value: "string": failed rule: self != \'old\'']);
});

test('CEL rules do not run after type errors', () => {
  const s = compiled({ type: 'object', properties: { n: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self > 0' }] } } });
  assert.deepEqual(s.validate({ ...base, n: 'x' }).map(String), [
    'n: Invalid value: "x": n in body must be of type integer: "string"',
    '<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
  ]);
});

test('fieldType reports list and map types for server-side apply', () => {
  const s = compiled({ type: 'object', properties: { l: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['k'], items: { type: 'object', 'x-kubernetes-map-type': 'atomic', properties: { k: { type: 'string' } } } } } });
  assert.deepEqual(s.fieldType(['l']), { listType: 'map', listMapKeys: ['k'] });
  assert.deepEqual(s.fieldType(['l', 0]), { mapType: 'atomic' });
  assert.equal((s.openAPIV3().properties as Record<string, any>).metadata.$ref, '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
});

const jsonValue = fc.letrec(tie => ({
  v: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), fc.integer(), fc.string(), fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), tie('v'), { maxKeys: 3 })),
})).v;

test('property: pruning is idempotent and leaves only fields the schema specifies', () => {
  const schema: JSONSchemaProps = { type: 'object', properties: { a: { type: 'object', properties: { b: { type: 'string' }, c: { type: 'array', items: { type: 'object', properties: { d: { type: 'integer' } } } } } } } };
  const s = compiled(schema);
  fc.assert(fc.property(fc.dictionary(fc.constantFrom('a', 'b', 'x'), jsonValue), obj => {
    const once = structuredClone(obj) as Record<string, unknown>;
    s.prune(once);
    const twice = structuredClone(once);
    s.prune(twice);
    assert.deepEqual(twice, once);
    for (const k of Object.keys(once)) assert.equal(k, 'a');
  }));
});

test('property: defaulting is idempotent', () => {
  const s = compiled({ type: 'object', properties: { a: { type: 'object', default: {}, properties: { b: { type: 'string', default: 'x' }, c: { type: 'array', items: { type: 'integer', default: 0 } } } } } });
  fc.assert(fc.property(fc.dictionary(fc.constantFrom('a', 'x'), jsonValue), obj => {
    const once = structuredClone(obj) as Record<string, unknown>;
    s.applyDefaults(once);
    const twice = structuredClone(once);
    s.applyDefaults(twice);
    assert.deepEqual(twice, once);
  }));
});

test('ratcheting: values unchanged by an update keep passing the schema', () => {
  const s = compiledSpec({
    properties: {
      name: { type: 'string', maxLength: 3 },
      other: { type: 'string', maxLength: 3 },
      ports: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, port: { type: 'integer', maximum: 10 } } } },
      plain: { type: 'array', items: { type: 'integer', maximum: 10 } },
    },
  });
  const old = { ...base, spec: { name: 'toolong', ports: [{ name: 'a', port: 99 }, { name: 'b', port: 1 }], plain: [99] } };
  // Created today, these are errors.
  assert.equal(s.validate(structuredClone(old)).length, 3);
  // Updating something else keeps the old violations.
  assert.deepEqual(s.validate({ ...old, spec: { ...old.spec, other: 'ok' } }, old).map(String), []);
  // A reordered map list still correlates by key; an atomic list does not correlate its items.
  assert.deepEqual(s.validate({ ...old, spec: { ...old.spec, ports: [{ name: 'b', port: 2 }, { name: 'a', port: 99 }], plain: [99, 1] } }, old).map(String), ['spec.plain[0]: Invalid value: 99: spec.plain[0] in body should be less than or equal to 10']);
  // Changed values are validated, new violations are reported.
  assert.deepEqual(s.validate({ ...old, spec: { ...old.spec, name: 'longer', other: 'toolong' } }, old).map(String), [
    'spec.name: Too long: may not be more than 3 bytes',
    'spec.other: Too long: may not be more than 3 bytes',
  ]);
});

test('rules see schema-typed values: number as double, date-time as timestamp, duration as duration', () => {
  const s = compiledSpec({
    properties: {
      ratio: { type: 'number' },
      ratios: { type: 'array', items: { type: 'number' } },
      at: { type: 'string', format: 'date-time' },
      day: { type: 'string', format: 'date' },
      ttl: { type: 'string', format: 'duration' },
    },
    'x-kubernetes-validations': [
      { rule: 'self.ratio + 0.5 == 1.5', message: 'ratio' },
      { rule: 'self.ratios.all(r, r * 2.0 > 1.0)', message: 'ratios' },
      { rule: "self.at + self.ttl < timestamp('2030-01-01T00:00:00Z') && self.at.getFullYear() == 2024", message: 'at' },
      { rule: "self.day < self.at && self.ttl > duration('1m')", message: 'day' },
    ],
  });
  const spec = { ratio: 1, ratios: [1, 2.5], at: '2024-05-01T10:00:00.5Z', day: '2024-04-30', ttl: '1h30m' };
  assert.deepEqual(s.validate({ ...base, spec }).map(String), []);
  assert.deepEqual(s.validate({ ...base, spec: { ...spec, ratio: 2, ttl: '30s', at: '2029-12-31T23:59:59Z' } }).map(String), [
    'spec: Invalid value: "object": ratio',
    'spec: Invalid value: "object": at',
    'spec: Invalid value: "object": day',
  ]);
});

test('set and map lists compare without regard to order; atomic lists in order', () => {
  const s = compiledSpec({
    properties: {
      set: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' }, 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'set is immutable' }] },
      map: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['k'], items: { type: 'object', required: ['k'], properties: { k: { type: 'string' }, v: { type: 'integer' } } }, 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'map is immutable' }] },
      atomic: { type: 'array', items: { type: 'string' } },
    },
    'x-kubernetes-validations': [
      { rule: "self.set == ['a', 'b'] && self.set != ['a', 'c']", message: 'set' },
      { rule: "self.atomic == ['a', 'b']", message: 'atomic' },
    ],
  });
  const obj = { ...base, spec: { set: ['b', 'a'], map: [{ k: 'y', v: 2 }, { k: 'x', v: 1 }], atomic: ['b', 'a'] } };
  assert.deepEqual(s.validate(obj).map(String), ['spec: Invalid value: "object": atomic']);
  // The transition rules see reordered sets and map lists as unchanged, changed ones as changed.
  assert.deepEqual(s.validate({ ...obj, spec: { ...obj.spec, set: ['a', 'b'], map: [{ k: 'x', v: 1 }, { k: 'y', v: 2 }] } }, obj).map(String), ['spec: Invalid value: "object": atomic']);
  assert.deepEqual(s.validate({ ...obj, spec: { ...obj.spec, map: [{ k: 'x', v: 1 }, { k: 'y', v: 3 }] } }, obj).map(String), ['spec: Invalid value: "object": atomic', 'spec.map: Invalid value: "array": map is immutable']);
  assert.deepEqual(s.validate({ ...obj, spec: { ...obj.spec, set: ['a', 'c'] } }, obj).map(String), ['spec: Invalid value: "object": set', 'spec: Invalid value: "object": atomic', 'spec.set: Invalid value: "array": set is immutable']);
});
