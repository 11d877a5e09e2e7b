// Validation of one CRD version's openAPIV3Schema as upstream's validateCustomResourceDefinitionValidation:
// keywords CRDs do not support, list/map type extensions, x-kubernetes-validations (shape, then CEL
// compilation), the structural schema rules, and defaults (pruned, valid against their schema and
// rules).
import { FieldError, fieldErrors } from '../errors.js';
import { invalidGo } from '../validation/go-value.js';
import { compileRule, normalizeFieldPath, compileRuleTree, runRules, withTypeAndObjectMeta } from './cel-rules.js';
import { validateEmbeddedResources } from './embedded-resources.js';
import { child, index, key } from './paths.js';
import { prune } from './pruning.js';
import { validateStructural } from './structural.js';
import type { JSONSchemaProps, ValidationRule } from './types.js';
import { jsonEqual, validateValue } from './value-validation.js';

const OPENAPI_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const RULE_REASONS = ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'];
const META_FIELDS = new Set(['metadata', 'kind', 'apiVersion']);
const ROOT_FIELDS_WITH_STATUS: [string, string][] = [
  ['description', 'Description'], ['type', 'Type'], ['format', 'Format'], ['title', 'Title'], ['maximum', 'Maximum'],
  ['exclusiveMaximum', 'ExclusiveMaximum'], ['minimum', 'Minimum'], ['exclusiveMinimum', 'ExclusiveMinimum'],
  ['maxLength', 'MaxLength'], ['minLength', 'MinLength'], ['pattern', 'Pattern'], ['maxItems', 'MaxItems'],
  ['minItems', 'MinItems'], ['uniqueItems', 'UniqueItems'], ['multipleOf', 'MultipleOf'], ['required', 'Required'],
  ['items', 'Items'], ['properties', 'Properties'], ['externalDocs', 'ExternalDocs'], ['example', 'Example'],
  ['x-kubernetes-preserve-unknown-fields', 'XPreserveUnknownFields'], ['x-kubernetes-validations', 'XValidations'],
];

export interface SchemaOptions {
  /** The status subresource is enabled for this version. */
  statusEnabled: boolean;
  /** Structural rules apply (always for v1 CRDs unless preserveUnknownFields). */
  requireStructural: boolean;
}

/** Go's %#v of a validation rule, which upstream prints as the bad value of rule errors. */
function goRule(r: ValidationRule): string {
  const ptr = (t: string, v: unknown) => (v === undefined ? `(*${t})(nil)` : `(*${t})(${JSON.stringify(v)})`);
  return `apiextensions.ValidationRule{Rule:${JSON.stringify(r.rule ?? '')}, Message:${JSON.stringify(r.message ?? '')}, MessageExpression:${JSON.stringify(r.messageExpression ?? '')}, Reason:${ptr('apiextensions.FieldValueErrorReason', r.reason)}, FieldPath:${JSON.stringify(r.fieldPath ?? '')}, OptionalOldSelf:${ptr('bool', r.optionalOldSelf)}}`;
}

interface Walk {
  allowDefaults: boolean;
  disallowDefaultsReason?: string;
  insideResourceMeta: boolean;
  /** Where oldSelf stops being usable (the nearest enclosing list that is not a map list). */
  uncorrelatable?: string;
  /** Compile CEL rules here (only along the structural part of a valid structural schema). */
  cel: boolean;
  /** The schema is at a resource root (the CRD root or an embedded resource). */
  resourceRoot: boolean;
}

const newlines = /[\n\r]+/;

function validateNode(s: JSONSchemaProps, path: string, w: Walk, errs: { schema: FieldError[]; cel: FieldError[] }): void {
  const before = errs.schema.length;
  standard(s, path, w, errs.schema);
  if (s.uniqueItems) errs.schema.push(fieldErrors.forbidden(child(path, 'uniqueItems'), 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  if (s.additionalProperties !== undefined) {
    if (s.properties && Object.keys(s.properties).length && (s.additionalProperties === false || typeof s.additionalProperties === 'object')) {
      errs.schema.push(fieldErrors.forbidden(child(path, 'additionalProperties'), 'additionalProperties and properties are mutual exclusive'));
    }
    if (typeof s.additionalProperties === 'object') {
      const sub = w.insideResourceMeta ? { ...w, allowDefaults: false, disallowDefaultsReason: 'inside additionalProperties applying to object metadata' } : w;
      validateNode(s.additionalProperties, child(path, 'additionalProperties'), { ...sub, resourceRoot: false }, errs);
    }
  }
  for (const [k, p] of Object.entries(s.properties ?? {})) {
    let sub: Walk = { ...w, resourceRoot: false };
    if ((w.resourceRoot || s['x-kubernetes-embedded-resource']) && META_FIELDS.has(k)) {
      sub = { ...sub, insideResourceMeta: true };
      if (w.resourceRoot && path.endsWith('openAPIV3Schema')) sub = { ...sub, allowDefaults: false, disallowDefaultsReason: `in top-level ${k}` };
    }
    validateNode(p, key(child(path, 'properties'), k), sub, errs);
  }
  const off = { ...w, cel: false, resourceRoot: false };
  if (s.not) validateNode(s.not, child(path, 'not'), off, errs);
  s.allOf?.forEach((x, i) => validateNode(x, index(child(path, 'allOf'), i), off, errs));
  s.oneOf?.forEach((x, i) => validateNode(x, index(child(path, 'oneOf'), i), off, errs));
  s.anyOf?.forEach((x, i) => validateNode(x, index(child(path, 'anyOf'), i), off, errs));
  for (const [k, d] of Object.entries(s.definitions ?? {})) validateNode(d, key(child(path, 'definitions'), k), off, errs);
  if (s.items) {
    const sub: Walk = { ...w, resourceRoot: false, uncorrelatable: w.uncorrelatable ?? (s['x-kubernetes-list-type'] !== 'map' ? path : undefined) };
    if (Array.isArray(s.items)) s.items.forEach((x, i) => validateNode(x, index(child(path, 'items'), i), sub, errs));
    else validateNode(s.items, child(path, 'items'), sub, errs);
  }
  for (const [k, d] of Object.entries(s.dependencies ?? {})) if (!Array.isArray(d)) validateNode(d, key(child(path, 'dependencies'), k), off, errs);
  extensions(s, path, errs.schema);
  const rules = s['x-kubernetes-validations'] ?? [];
  if (!rules.length) return;
  ruleShapes(s, rules, path, errs.schema);
  if (errs.schema.length === before && w.cel) compileRules(s, rules, path, w, errs.cel);
}

/** upstream's specStandardValidatorV3.validate: keywords CRD schemas may not use. */
function standard(s: JSONSchemaProps, path: string, w: Walk, errs: FieldError[]): void {
  if (s.type && !OPENAPI_TYPES.includes(s.type)) errs.push(fieldErrors.notSupported(child(path, 'type'), s.type, OPENAPI_TYPES));
  if (s.default !== undefined && !w.allowDefaults) errs.push(fieldErrors.forbidden(child(path, 'default'), `must not be set${w.disallowDefaultsReason ? ' ' + w.disallowDefaultsReason : ''}`));
  if (s.id) errs.push(fieldErrors.forbidden(child(path, 'id'), 'id is not supported'));
  if (s.additionalItems !== undefined) errs.push(fieldErrors.forbidden(child(path, 'additionalItems'), 'additionalItems is not supported'));
  if (s.patternProperties && Object.keys(s.patternProperties).length) errs.push(fieldErrors.forbidden(child(path, 'patternProperties'), 'patternProperties is not supported'));
  if (s.definitions && Object.keys(s.definitions).length) errs.push(fieldErrors.forbidden(child(path, 'definitions'), 'definitions is not supported'));
  if (s.dependencies) errs.push(fieldErrors.forbidden(child(path, 'dependencies'), 'dependencies is not supported'));
  if (s.$ref !== undefined) errs.push(fieldErrors.forbidden(child(path, '$ref'), '$ref is not supported'));
  if (s.type === 'null') errs.push(fieldErrors.forbidden(child(path, 'type'), 'type cannot be set to null, use nullable as an alternative'));
  if (Array.isArray(s.items)) errs.push(fieldErrors.forbidden(child(path, 'items'), 'items must be a schema object and not an array'));
  if (w.insideResourceMeta && s['x-kubernetes-embedded-resource']) errs.push(fieldErrors.forbidden(child(path, 'x-kubernetes-embedded-resource'), 'must not be used inside of resource meta'));
}

function extensions(s: JSONSchemaProps, path: string, errs: FieldError[]): void {
  const listType = s['x-kubernetes-list-type'];
  const mapType = s['x-kubernetes-map-type'];
  const mapKeys = s['x-kubernetes-list-map-keys'] ?? [];
  const items = s.items && !Array.isArray(s.items) ? s.items : undefined;
  if (s['x-kubernetes-preserve-unknown-fields'] === false) errs.push(fieldErrors.invalid(child(path, 'x-kubernetes-preserve-unknown-fields'), false, 'must be true or undefined'));
  if (mapType !== undefined && s.type !== 'object') {
    if (!s.type) errs.push(fieldErrors.required(child(path, 'type'), 'must be object if x-kubernetes-map-type is specified'));
    else errs.push(fieldErrors.invalid(child(path, 'type'), s.type, 'must be object if x-kubernetes-map-type is specified'));
  }
  if (mapType !== undefined && mapType !== 'atomic' && mapType !== 'granular') errs.push(fieldErrors.notSupported(child(path, 'x-kubernetes-map-type'), mapType, ['atomic', 'granular']));
  if (listType !== undefined && s.type !== 'array') {
    if (!s.type) errs.push(fieldErrors.required(child(path, 'type'), 'must be array if x-kubernetes-list-type is specified'));
    else errs.push(fieldErrors.invalid(child(path, 'type'), s.type, 'must be array if x-kubernetes-list-type is specified'));
  } else if (listType === 'set' && items) {
    if (items.type === 'array' && items['x-kubernetes-list-type'] !== undefined && items['x-kubernetes-list-type'] !== 'atomic') {
      errs.push(fieldErrors.invalid(child(child(path, 'items'), 'x-kubernetes-list-type'), items['x-kubernetes-list-type'], 'must be atomic as item of a list with x-kubernetes-list-type=set'));
    } else if (items.type === 'object' && items['x-kubernetes-map-type'] !== 'atomic') {
      errs.push(fieldErrors.invalid(child(child(path, 'items'), 'x-kubernetes-map-type'), items['x-kubernetes-list-type'] ?? null, 'must be atomic as item of a list with x-kubernetes-list-type=set'));
    }
  }
  if (listType !== undefined && !['atomic', 'set', 'map'].includes(listType)) errs.push(fieldErrors.notSupported(child(path, 'x-kubernetes-list-type'), listType, ['atomic', 'set', 'map']));
  if (mapKeys.length) {
    if (listType === undefined) errs.push(fieldErrors.required(child(path, 'x-kubernetes-list-type'), 'must be map if x-kubernetes-list-map-keys is non-empty'));
    else if (listType !== 'map') errs.push(fieldErrors.invalid(child(path, 'x-kubernetes-list-type'), listType, 'must be map if x-kubernetes-list-map-keys is non-empty'));
  }
  if (listType === 'map') {
    if (!mapKeys.length) errs.push(fieldErrors.required(child(path, 'x-kubernetes-list-map-keys'), 'must not be empty if x-kubernetes-list-type is map'));
    if (!s.items) errs.push(fieldErrors.required(child(path, 'items'), 'must have a schema if x-kubernetes-list-type is map'));
    if (Array.isArray(s.items)) errs.push(fieldErrors.invalid(child(path, 'items'), s.items, 'must only have a single schema if x-kubernetes-list-type is map'));
    if (items && items.type !== 'object') errs.push(fieldErrors.invalid(child(child(path, 'items'), 'type'), items.type ?? '', "must be object if parent array's x-kubernetes-list-type is map"));
    if (items && items.type === 'object') {
      const seen = new Set<string>();
      for (const k of mapKeys) {
        const p = items.properties && Object.hasOwn(items.properties, k) ? items.properties[k] : undefined;
        if (p) {
          if (p.type === 'array' || p.type === 'object') errs.push(fieldErrors.invalid(child(key(child(child(path, 'items'), 'properties'), k), 'type'), items.type, "must be a scalar type if parent array's x-kubernetes-list-type is map"));
        } else {
          errs.push(fieldErrors.invalid(child(path, 'x-kubernetes-list-map-keys'), mapKeys, 'entries must all be names of item properties'));
        }
        if (seen.has(k)) errs.push(fieldErrors.invalid(child(path, 'x-kubernetes-list-map-keys'), mapKeys, 'must not contain duplicate entries'));
        seen.add(k);
      }
    }
  }
  if ((listType === 'set' || listType === 'map') && items) {
    if (items.nullable) errs.push(fieldErrors.forbidden(child(child(path, 'items'), 'nullable'), `cannot be nullable when x-kubernetes-list-type is ${listType}`));
    if (listType === 'map') {
      const required = new Set(items.required ?? []);
      for (const k of mapKeys) {
        const p = items.properties && Object.hasOwn(items.properties, k) ? items.properties[k] : undefined;
        if (!p) continue;
        const kp = key(child(child(path, 'items'), 'properties'), k);
        if (!required.has(k) && p.default === undefined) errs.push(fieldErrors.required(child(kp, 'default'), 'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property'));
        if (p.nullable) errs.push(fieldErrors.forbidden(child(kp, 'nullable'), 'this property is in x-kubernetes-list-map-keys, so it cannot be nullable'));
      }
    }
  }
}

function ruleShapes(s: JSONSchemaProps, rules: ValidationRule[], path: string, errs: FieldError[]): void {
  rules.forEach((rule, i) => {
    const p = index(child(path, 'x-kubernetes-validations'), i);
    const ruleText = (rule.rule ?? '').trim();
    const msg = (rule.message ?? '').trim();
    if (!ruleText) errs.push(fieldErrors.required(child(p, 'rule'), 'rule is not specified'));
    else if (rule.message && !msg) errs.push(fieldErrors.invalid(child(p, 'message'), rule.message, 'message must be non-empty if specified'));
    else if (newlines.test(msg)) errs.push(fieldErrors.invalid(child(p, 'message'), rule.message, 'message must not contain line breaks'));
    else if (newlines.test(ruleText) && !msg) errs.push(fieldErrors.required(child(p, 'message'), 'message must be specified if rule contains line breaks'));
    if (rule.messageExpression !== undefined && rule.messageExpression.length && !rule.messageExpression.trim()) {
      errs.push(fieldErrors.required(child(p, 'messageExpression'), 'messageExpression must be non-empty if specified'));
    }
    if (rule.reason !== undefined && !RULE_REASONS.includes(rule.reason)) errs.push(fieldErrors.notSupported(child(p, 'reason'), rule.reason, RULE_REASONS));
    if (rule.fieldPath !== undefined && rule.fieldPath.length && !rule.fieldPath.trim()) errs.push(fieldErrors.invalid(child(p, 'fieldPath'), rule.fieldPath, 'fieldPath must be non-empty if specified'));
    if (rule.fieldPath && newlines.test(rule.fieldPath)) errs.push(fieldErrors.invalid(child(p, 'fieldPath'), rule.fieldPath, 'fieldPath must not contain line breaks'));
    if (rule.fieldPath && normalizeFieldPath(rule.fieldPath, s) === undefined) errs.push(fieldErrors.invalid(child(p, 'fieldPath'), rule.fieldPath, 'fieldPath must be a valid path'));
  });
}

function compileRules(s: JSONSchemaProps, rules: ValidationRule[], path: string, w: Walk, errs: FieldError[]): void {
  const celSchema = w.resourceRoot || s['x-kubernetes-embedded-resource'] ? withTypeAndObjectMeta(s) : s;
  rules.forEach((rule, i) => {
    const p = index(child(path, 'x-kubernetes-validations'), i);
    const c = compileRule(rule, celSchema, s);
    if (c.error) errs.push(invalidGo(child(p, 'rule'), goRule(rule), c.error, rule));
    if (c.messageError) errs.push(invalidGo(child(p, 'messageExpression'), goRule(rule), c.messageError, rule));
    if (c.usesOldSelf) {
      if (w.uncorrelatable !== undefined) errs.push(fieldErrors.invalid(child(p, 'rule'), rule.rule, `oldSelf cannot be used on the uncorrelatable portion of the schema within ${w.uncorrelatable}`));
    } else if (rule.optionalOldSelf !== undefined) {
      errs.push(fieldErrors.invalid(child(p, 'optionalOldSelf'), rule.optionalOldSelf, 'may not be set if oldSelf is not used in rule'));
    }
  });
}

/** Defaults must be pruned, valid against their schema (and its rules), and valid metadata for resources. */
function validateDefaults(s: JSONSchemaProps, path: string, resourceRoot: boolean, insideMeta: boolean, errs: FieldError[]): void {
  const isRoot = resourceRoot || !!s['x-kubernetes-embedded-resource'];
  if (s['x-kubernetes-embedded-resource']) insideMeta = false;
  if (s.default !== undefined && s.default !== null && !insideMeta) {
    const dp = child(path, 'default');
    const pruned = structuredClone(s.default);
    prune(pruned, s, isRoot);
    const own: FieldError[] = [];
    if (!jsonEqual(pruned, s.default)) own.push(fieldErrors.invalid(dp, s.default, 'must not have unknown fields'));
    const embedded = validateEmbeddedResources(isRoot ? { ...s, 'x-kubernetes-embedded-resource': true } : s, s.default, dp);
    if (embedded.length) own.push(...embedded);
    else {
      const valueErrs = validateValue(s, s.default, dp);
      if (valueErrs.length) own.push(...valueErrs);
      else {
        const tree = compileRuleTree(s, isRoot);
        if (tree) own.push(...runRules(tree, s.default, s.default, dp));
      }
    }
    errs.push(...own);
  }
  if (s.items && !Array.isArray(s.items)) validateDefaults(s.items, child(path, 'items'), false, insideMeta, errs);
  for (const [k, p] of Object.entries(s.properties ?? {})) {
    const meta = insideMeta || (isRoot && META_FIELDS.has(k));
    validateDefaults(p, key(child(path, 'properties'), k), false, meta, errs);
  }
}

/** Errors of one openAPIV3Schema at `path` (…schema.openAPIV3Schema's parent: `…validation` or `…schema`). */
export function validateSchema(schema: JSONSchemaProps, path: string, opts: SchemaOptions): FieldError[] {
  const errs: FieldError[] = [];
  const sp = child(path, 'openAPIV3Schema');
  if (opts.statusEnabled) {
    for (const k of Object.keys(schema) as (keyof JSONSchemaProps)[]) {
      const v = schema[k];
      if (v === undefined || isZero(v)) continue;
      if (k === 'type') {
        if (v !== 'object') {
          errs.push(fieldErrors.invalid(`${sp}.type`, v, 'only "object" is allowed as the type at the root of the schema if the status subresource is enabled'));
          break;
        }
        continue;
      }
      if (!ROOT_FIELDS_WITH_STATUS.some(([json]) => json === k)) {
        errs.push(fieldErrors.invalid(sp, schema, `only [${ROOT_FIELDS_WITH_STATUS.map(([, go]) => go).join(' ')}] fields are allowed at the root of the schema if the status subresource is enabled`));
        break;
      }
    }
  }
  if (schema.nullable) errs.push(fieldErrors.forbidden(`${sp}.nullable`, 'nullable cannot be true at the root'));
  let celOk = false;
  if (opts.requireStructural) {
    const structural = validateStructural(schema, sp);
    if (structural.length) errs.push(...structural);
    else {
      const defaults: FieldError[] = [];
      validateDefaults(schema, sp, true, false, defaults);
      errs.push(...defaults);
      celOk = !defaults.length;
    }
  }
  const out = { schema: [] as FieldError[], cel: [] as FieldError[] };
  validateNode(schema, sp, { allowDefaults: true, insideResourceMeta: false, cel: celOk, resourceRoot: true }, out);
  errs.push(...out.schema, ...out.cel);
  return errs;
}

const isZero = (v: unknown) => v === false || v === '' || v === 0 || (Array.isArray(v) && !v.length);
