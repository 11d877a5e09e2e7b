import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CustomResourceDefinition, JSONSchemaProps } from '../types/generated.js';
import { validateCustomResourceDefinition } from './index.js';

function crd(schema: JSONSchemaProps, patch: (c: CustomResourceDefinition) => void = () => {}): CustomResourceDefinition {
  const c: CustomResourceDefinition = {
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } }],
    },
    status: { storedVersions: ['v1'] } as CustomResourceDefinition['status'],
  };
  patch(c);
  return c;
}

const ok: JSONSchemaProps = { type: 'object', properties: { spec: { type: 'object', properties: { replicas: { type: 'integer' } } } } };
const errors = (c: CustomResourceDefinition, old?: CustomResourceDefinition) => validateCustomResourceDefinition(c, old).map(String);

test('a well-formed CRD is valid', () => {
  assert.deepEqual(errors(crd(ok)), []);
});

test('the name must be <plural>.<group> and names must be DNS labels', () => {
  const errs = errors(crd(ok, c => {
    c.metadata!.name = 'other.example.com';
    c.spec.names.kind = 'Kind';
    c.spec.names.listKind = 'Kind';
    c.spec.names.shortNames = ['Bad_Short'];
  }));
  assert.ok(errs.includes('metadata.name: Invalid value: "other.example.com": must be spec.names.plural+"."+spec.group'), errs.join('\n'));
  assert.ok(errs.includes('spec.names.listKind: Invalid value: "Kind": kind and listKind may not be the same'));
  assert.ok(errs.some(e => e.startsWith('spec.names.shortNames[0]: Invalid value: "Bad_Short": a DNS-1035 label')));
});

test('group, scope and versions as upstream', () => {
  const errs = errors(crd(ok, c => {
    c.metadata!.name = 'widgets.example';
    c.spec.group = 'example';
    c.spec.scope = 'Global';
    c.spec.versions.push({ name: 'v1', served: true, storage: true });
  }));
  assert.ok(errs.includes('spec.group: Invalid value: "example": should be a domain with at least one dot'), errs.join('\n'));
  assert.ok(errs.includes('spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"'));
  assert.ok(errs.some(e => e.startsWith('spec.versions: Invalid value') && e.endsWith('must contain unique version names')));
  assert.ok(errs.some(e => e.endsWith('must have exactly one version marked as storage version')));
  assert.ok(errs.includes('spec.versions[1].schema.openAPIV3Schema: Required value: schemas are required'));
});

test('structural schema errors name fields under spec.validation for a single version', () => {
  const errs = errors(crd({ type: 'object', properties: { spec: { type: 'object', properties: { a: {} } } } }));
  assert.deepEqual(errs, ['spec.validation.openAPIV3Schema.properties[spec].properties[a].type: Required value: must not be empty for specified object fields']);
});

test('per-version schemas that differ are reported per version', () => {
  const errs = errors(crd(ok, c => {
    c.spec.versions[0]!.storage = false;
    c.spec.versions.push({ name: 'v2', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { x: { type: 'array' } } } } });
    c.status!.storedVersions = ['v1', 'v2'];
  }));
  assert.deepEqual(errs, ['spec.versions[1].schema.openAPIV3Schema.properties[x].items: Required value: must be specified']);
});

test('unsupported keywords, value validations and metadata', () => {
  const errs = errors(crd({
    type: 'object',
    properties: {
      metadata: { type: 'object', properties: { labels: { type: 'object' } } },
      spec: {
        type: 'object',
        uniqueItems: true,
        properties: { a: { type: 'string', pattern: '(' } },
        anyOf: [{ type: 'object', properties: { b: { description: 'x' } } }],
      },
    },
  }));
  assert.ok(errs.includes('spec.validation.openAPIV3Schema.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified'), errs.join('\n'));
  assert.ok(errs.includes('spec.validation.openAPIV3Schema.properties[spec].anyOf[0].type: Forbidden: must be empty to be structural'));
  assert.ok(errs.includes('spec.validation.openAPIV3Schema.properties[spec].anyOf[0].properties[b].description: Forbidden: must be empty to be structural'));
  assert.ok(errs.some(e => e.includes('properties[a].pattern: Invalid value: "(": must be a valid regular expression, but isn\'t: error parsing regexp: missing closing )')));
  // Value validations must only constrain fields the structural part specifies.
  const incomplete = errors(crd({ type: 'object', properties: { a: { type: 'string' } }, anyOf: [{ properties: { b: {} } }] }));
  assert.ok(incomplete.includes('spec.validation.openAPIV3Schema.properties[b]: Required value: because it is defined in spec.validation.openAPIV3Schema.anyOf[0].properties[b]'), incomplete.join('\n'));
  // The int-or-string idiom is allowed.
  assert.deepEqual(errors(crd({ type: 'object', properties: { p: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] } } })), []);
});

test('defaults must be pruned and valid', () => {
  const errs = errors(crd({
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          a: { type: 'integer', default: 'x' },
          b: { type: 'object', properties: { c: { type: 'string' } }, default: { c: 'y', d: 1 } },
          n: { type: 'integer', minimum: 5, default: 1 },
        },
      },
    },
  }));
  assert.ok(errs.includes('spec.validation.openAPIV3Schema.properties[spec].properties[a].default: Invalid value: "x": in body must be of type integer: "string"'), errs.join('\n'));
  assert.ok(errs.includes('spec.validation.openAPIV3Schema.properties[spec].properties[b].default: Invalid value: {...}: must not have unknown fields'));
  assert.ok(errs.includes('spec.validation.openAPIV3Schema.properties[spec].properties[n].default: Invalid value: 1: in body should be greater than or equal to 5'));
  const meta = errors(crd({ type: 'object', properties: { metadata: { type: 'object', default: { name: 'x' } } } }));
  assert.ok(meta.includes('spec.validation.openAPIV3Schema.properties[metadata].default: Forbidden: must not be set in top-level metadata'), meta.join('\n'));
});

test('list and map type extensions', () => {
  const errs = errors(crd({
    type: 'object',
    properties: {
      a: { type: 'string', 'x-kubernetes-list-type': 'set' },
      b: { type: 'array', 'x-kubernetes-list-type': 'map', items: { type: 'object', properties: { k: { type: 'string' } } } },
      c: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['k', 'missing'], items: { type: 'object', properties: { k: { type: 'string' } } } },
      d: { type: 'object', 'x-kubernetes-map-type': 'weird' },
    },
  }));
  assert.ok(errs.includes('spec.validation.openAPIV3Schema.properties[a].type: Invalid value: "string": must be array if x-kubernetes-list-type is specified'), errs.join('\n'));
  assert.ok(errs.includes('spec.validation.openAPIV3Schema.properties[b].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map'));
  assert.ok(errs.includes('spec.validation.openAPIV3Schema.properties[c].x-kubernetes-list-map-keys: Invalid value: []interface{}{...}: entries must all be names of item properties') || errs.some(e => e.includes('properties[c].x-kubernetes-list-map-keys') && e.endsWith('entries must all be names of item properties')));
  assert.ok(errs.includes('spec.validation.openAPIV3Schema.properties[c].items.properties[k].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property'));
  assert.ok(errs.includes('spec.validation.openAPIV3Schema.properties[d].x-kubernetes-map-type: Unsupported value: "weird": supported values: "atomic", "granular"'));
});

test('CEL rules: shape, compile errors with cel-go wording, oldSelf placement', () => {
  const errs = errors(crd({
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: { a: { type: 'integer' }, list: { type: 'array', items: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf' }] } } },
        'x-kubernetes-validations': [
          { rule: 'self.nope > 1' },
          { rule: 'self.a > 1', reason: 'Bogus' },
          { rule: 'self.a > 0', optionalOldSelf: true },
          { rule: 'self.a >', message: 'm' },
          { rule: 'self.a > 0', fieldPath: '.zzz' },
        ],
      },
    },
  }));
  const text = errs.join('\n');
  assert.ok(errs.includes('spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[1].reason: Unsupported value: "Bogus": supported values: "FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"'), text);
  assert.ok(errs.includes('spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[4].fieldPath: Invalid value: ".zzz": fieldPath must be a valid path'), text);
  assert.ok(errs.includes('spec.validation.openAPIV3Schema.properties[spec].properties[list].items.x-kubernetes-validations[0].rule: Invalid value: "self == oldSelf": oldSelf cannot be used on the uncorrelatable portion of the schema within spec.validation.openAPIV3Schema.properties[spec].properties[list]'), text);
  // Rule errors are reported only once the schema itself is sound; fix the shape errors and the rest shows.
  const next = errors(crd({ type: 'object', properties: { spec: { type: 'object', properties: { a: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: 'self.a > 0', optionalOldSelf: true }, { rule: 'self.a >' }, { rule: 'self.nope > 1' }] } } }));
  assert.ok(next.some(e => e.startsWith('spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[2].rule: Invalid value: apiextensions.ValidationRule{Rule:"self.nope > 1"') && e.includes("compilation failed: ERROR: <input>:1:5: undefined field 'nope'")), next.join('\n'));
  assert.ok(next.includes('spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].optionalOldSelf: Invalid value: true: may not be set if oldSelf is not used in rule'), next.join('\n'));
  assert.ok(next.some(e => e.includes('x-kubernetes-validations[1].rule') && e.includes('compilation failed: ERROR: <input>:1:8: Syntax error')), next.join('\n'));
  // Optional syntax, which Kubernetes 1.32 accepts, is refused with cel-go's message for it turned off.
  const optional = errors(crd({ type: 'object', properties: { spec: { type: 'object', properties: { a: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: 'self.?a.orValue(0) >= 0' }] } } }));
  assert.ok(optional.some(e => e.includes('x-kubernetes-validations[0].rule') && e.includes("compilation failed: ERROR: <input>:1:5: unsupported syntax '.?'")), optional.join('\n'));
});

test('escaped property names and root metadata in rules', () => {
  assert.deepEqual(errors(crd({ type: 'object', 'x-kubernetes-validations': [{ rule: "self.metadata.name.startsWith('w') && !has(self.spec.__namespace__)" }], properties: { spec: { type: 'object', properties: { namespace: { type: 'string' } } } } })), []);
});

test('status subresource restricts the root', () => {
  const errs = errors(crd({ type: 'object', nullable: true, properties: {} }, c => { c.spec.versions[0]!.subresources = { status: {} }; }));
  assert.ok(errs.includes('spec.validation.openAPIV3Schema.nullable: Forbidden: nullable cannot be true at the root'), errs.join('\n'));
});

test('subresources, printer columns, conversion, stored versions', () => {
  const errs = errors(crd(ok, c => {
    c.spec.versions[0]!.subresources = { scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: '.spec.replicas' } };
    c.spec.versions[0]!.additionalPrinterColumns = [{ name: 'X', type: 'float', jsonPath: 'x' }];
    c.spec.conversion = { strategy: 'Webhook' };
    c.status!.storedVersions = ['v0'];
  }));
  assert.ok(errs.includes('spec.subresources.scale.specReplicasPath: Invalid value: "spec.replicas": must be a simple json path starting with .'), errs.join('\n'));
  assert.ok(errs.includes('spec.subresources.scale.statusReplicasPath: Invalid value: ".spec.replicas": should be a json path under .status'));
  assert.ok(errs.includes('spec.additionalPrinterColumns[0].type: Invalid value: "float": must be one of boolean,date,integer,number,string'));
  assert.ok(errs.includes('spec.additionalPrinterColumns[0].JSONPath: Invalid value: "x": must be a simple json path starting with .'));
  assert.ok(errs.includes('spec.conversion.webhookClientConfig: Required value: required when strategy is set to Webhook'));
  assert.ok(errs.includes('spec.conversion.conversionReviewVersions: Required value'));
  assert.ok(errs.includes('status.storedVersions[0]: Invalid value: "v0": must appear in spec.versions'));
});

test('update: group and plural are immutable, kind once established', () => {
  const old = crd(ok, c => { c.status!.conditions = [{ type: 'Established', status: 'True' } as never]; });
  const next = crd(ok, c => { c.spec.names.kind = 'Gadget'; c.spec.names.listKind = 'GadgetList'; });
  assert.deepEqual(errors(next, old), ['spec.names.kind: Invalid value: "Gadget": field is immutable']);
});

test('rules over their estimated cost are rejected with upstream messages', () => {
  const p = 'spec.validation.openAPIV3Schema.properties[spec].properties';
  const scan = { rule: "self.all(x, x.contains('a'))" };
  const list = (maxItems?: number, maxLength?: number): JSONSchemaProps => ({ type: 'array', maxItems, items: { type: 'string', maxLength }, 'x-kubernetes-validations': [scan] });
  const spec = (properties: Record<string, JSONSchemaProps>): JSONSchemaProps => ({ type: 'object', properties: { spec: { type: 'object', properties } } });
  const hint = '(try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)';
  // 2 + 40 × 314577 = 12583082: 1.258308 times the 10M limit.
  assert.deepEqual(errors(crd(spec({ tags: list(40) }))), [`${p}[tags].x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget by factor of 1.258308x ${hint}`]);
  assert.deepEqual(errors(crd(spec({ tags: list(100) }))), [`${p}[tags].x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget by factor of 3.1x ${hint}`]);
  // Unbounded, it is also too much for the whole schema.
  assert.deepEqual(errors(crd(spec({ tags: list() }))), [
    `${p}[tags].x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget by factor of more than 100x ${hint}`,
    `${p}[tags].x-kubernetes-validations[0].rule: Forbidden: contributed to estimated rule & messageExpression cost total exceeding cost limit for entire OpenAPIv3 schema`,
    `spec.validation.openAPIV3Schema: Forbidden: x-kubernetes-validations estimated rule & messageExpression cost total for entire OpenAPIv3 schema exceeds budget by factor of more than 100x ${hint}`,
  ]);
  // Bounds make it cheap.
  assert.deepEqual(errors(crd(spec({ tags: list(100, 64) }))), []);
  // A rule on a value inside an unbounded list runs once per item: its cost is multiplied.
  const inList: JSONSchemaProps = { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } }, 'x-kubernetes-validations': [{ rule: "self.name.contains('a')" }] } };
  assert.match(errors(crd(spec({ items: inList })))[0]!, /items\.x-kubernetes-validations\[0\]\.rule: Forbidden: estimated rule cost exceeds budget by factor of more than 100x/);
  assert.deepEqual(errors(crd(spec({ items: { ...inList, maxItems: 10 } }))), []);
  // Twelve rules of 8.8M each stay under the per-rule limit but not under the schema's 100M.
  const many = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`l${i}`, list(28)]));
  const errs = errors(crd(spec(many)));
  assert.equal(errs.length, 5, errs.join('\n'));
  assert.equal(errs.filter(e => e.endsWith('Forbidden: contributed to estimated rule & messageExpression cost total exceeding cost limit for entire OpenAPIv3 schema')).length, 4);
  assert.equal(errs[4], `spec.validation.openAPIV3Schema: Forbidden: x-kubernetes-validations estimated rule & messageExpression cost total for entire OpenAPIv3 schema exceeds budget by factor of 1.056979x ${hint}`);
});

test('rules are type-checked against the schema', () => {
  const p = 'spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations';
  const schema = (rule: string, messageExpression?: string): JSONSchemaProps => ({
    type: 'object',
    properties: { spec: { type: 'object', properties: { n: { type: 'integer' }, ratio: { type: 'number' }, at: { type: 'string', format: 'date-time' } }, 'x-kubernetes-validations': [{ rule, messageExpression }] } },
  });
  const only = (rule: string, messageExpression?: string) => {
    const errs = errors(crd(schema(rule, messageExpression)));
    assert.equal(errs.length, 1, errs.join('\n'));
    return errs[0]!;
  };
  assert.match(only("self.n + 'a' > 0"), new RegExp(`^${p.replace(/[[\].]/g, '\\$&')}\\[0\\]\\.rule: Invalid value: .*compilation failed: ERROR: <input>:1:8: found no matching overload for '_\\+_' applied to '\\(int, string\\)'`));
  assert.match(only('self.ratio == 1'), /found no matching overload for '_==_' applied to '\(double, int\)'/);
  assert.match(only('self.n'), /: cel expression must evaluate to a bool$/);
  assert.match(only('self.n > 0', 'self.n'), /messageExpression: Invalid value: .*: messageExpression must evaluate to a string$/);
  assert.deepEqual(errors(crd(schema("self.ratio >= 0.5 && self.n < 3 && self.at < timestamp('2030-01-01T00:00:00Z')", "'n is ' + string(self.n)"))), []);
});
