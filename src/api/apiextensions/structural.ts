// Structural schema rules (upstream's schema.ValidateStructural): every specified field has a type,
// value validations (allOf/anyOf/oneOf/not) only constrain what the structural part already
// specifies, extensions are combined sensibly, and metadata is left to the server. Works on the
// JSONSchemaProps as given; errors come sorted by their text, as upstream sorts them.
import { FieldError, fieldErrors } from '../errors.js';
import { compilePatternError } from './pattern.js';
import { child, index, key } from './paths.js';
import type { JSONSchemaProps } from './types.js';

type Level = 'root' | 'item' | 'field';

const isIntOrStringAnyOf = (anyOf: JSONSchemaProps[] | undefined) =>
  anyOf?.length === 2 && isOnlyType(anyOf[0]!, 'integer') && isOnlyType(anyOf[1]!, 'string');
const isOnlyType = (s: JSONSchemaProps, t: string) => s.type === t && Object.keys(s).length === 1;

export function validateStructural(s: JSONSchemaProps, path: string): FieldError[] {
  const errs: FieldError[] = [];
  invariants(s, 'root', path, errs);
  completeness(s, s, path, path, errs);
  return errs.sort((a, b) => (a.toString() < b.toString() ? -1 : a.toString() > b.toString() ? 1 : 0));
}

function invariants(s: JSONSchemaProps, lvl: Level, path: string, errs: FieldError[]): void {
  const items = s.items && !Array.isArray(s.items) ? s.items : undefined;
  if (s.type === 'array' && !items) errs.push(fieldErrors.required(child(path, 'items'), 'must be specified'));
  if (items) invariants(items, 'item', child(path, 'items'), errs);
  for (const [k, p] of Object.entries(s.properties ?? {})) invariants(p, 'field', key(child(path, 'properties'), k), errs);
  if (s.additionalProperties !== undefined) {
    if (lvl === 'root') errs.push(fieldErrors.forbidden(child(path, 'additionalProperties'), 'must not be used at the root'));
    if (typeof s.additionalProperties === 'object') invariants(s.additionalProperties, 'field', child(path, 'additionalProperties'), errs);
  }
  const ios = !!s['x-kubernetes-int-or-string'];
  const preserve = !!s['x-kubernetes-preserve-unknown-fields'];
  const embedded = !!s['x-kubernetes-embedded-resource'];
  if (ios && preserve) errs.push(fieldErrors.invalid(child(path, 'x-kubernetes-preserve-unknown-fields'), true, 'must be false if x-kubernetes-int-or-string is true'));
  if (ios && embedded) errs.push(fieldErrors.invalid(child(path, 'x-kubernetes-embedded-resource'), true, 'must be false if x-kubernetes-int-or-string is true'));

  valueValidation(s, isIntOrStringAnyOf(s.anyOf), isIntOrStringAnyOf(s.allOf?.[0]?.anyOf), path, errs);

  if (embedded && s.type !== 'object') {
    if (!s.type) errs.push(fieldErrors.required(child(path, 'type'), 'must be object if x-kubernetes-embedded-resource is true'));
    else errs.push(fieldErrors.invalid(child(path, 'type'), s.type, 'must be object if x-kubernetes-embedded-resource is true'));
  } else if (!s.type && !ios && !preserve) {
    const where = { root: 'at the root', item: 'for specified array items', field: 'for specified object fields' }[lvl];
    errs.push(fieldErrors.required(child(path, 'type'), `must not be empty ${where}`));
  }
  if (embedded && s.additionalProperties !== undefined) errs.push(fieldErrors.forbidden(child(path, 'additionalProperties'), 'must not be used if x-kubernetes-embedded-resource is set'));
  if (lvl === 'root' && s.type && s.type !== 'object') errs.push(fieldErrors.invalid(child(path, 'type'), s.type, 'must be object at the root'));

  const checkMetadata = lvl === 'root' || embedded;
  const props = s.properties ?? {};
  for (const f of ['kind', 'apiVersion']) {
    if (checkMetadata && Object.hasOwn(props, f) && props[f]!.type !== 'string') {
      errs.push(fieldErrors.invalid(child(key(child(path, 'properties'), f), 'type'), props[f]!.type ?? '', 'must be string'));
    }
  }
  if (Object.hasOwn(props, 'metadata')) metadataInvariants(props.metadata!, checkMetadata, lvl, key(child(path, 'properties'), 'metadata'), errs);
  if (embedded && !preserve && !Object.keys(props).length) {
    errs.push(fieldErrors.required(child(path, 'properties'), 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'));
  }
}

function metadataInvariants(s: JSONSchemaProps, checkMetadata: boolean, lvl: Level, path: string, errs: FieldError[]): void {
  if (checkMetadata && s.type !== 'object') errs.push(fieldErrors.invalid(child(path, 'type'), s.type ?? '', 'must be object'));
  if (lvl !== 'root') return;
  // At the root the server owns metadata: only name and generateName may be restricted.
  const names = Object.keys(s.properties ?? {});
  const onlyNames = names.every(n => n === 'name' || n === 'generateName');
  const extra = Object.keys(s).some(k => k !== 'type' && k !== 'default' && k !== 'properties' && s[k as keyof JSONSchemaProps] !== undefined && !isZero(s[k as keyof JSONSchemaProps]));
  if (!onlyNames || extra) errs.push(fieldErrors.forbidden(path, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
}

const isZero = (v: unknown) => v === false || v === '' || (Array.isArray(v) && !v.length);

function valueValidation(s: JSONSchemaProps, skipAnyOf: boolean, skipFirstAllOfAnyOf: boolean, path: string, errs: FieldError[]): void {
  if (!skipAnyOf) s.anyOf?.forEach((x, i) => nested(x, false, index(child(path, 'anyOf'), i), errs));
  s.allOf?.forEach((x, i) => nested(x, skipFirstAllOfAnyOf && i === 0, index(child(path, 'allOf'), i), errs));
  s.oneOf?.forEach((x, i) => nested(x, false, index(child(path, 'oneOf'), i), errs));
  if (s.not) nested(s.not, false, child(path, 'not'), errs);
  if (s.pattern) {
    const problem = compilePatternError(s.pattern);
    if (problem) errs.push(fieldErrors.invalid(child(path, 'pattern'), s.pattern, `must be a valid regular expression, but isn't: ${problem}`));
  }
}

const FORBIDDEN_IN_NESTED: [keyof JSONSchemaProps, string][] = [
  ['type', 'must be empty to be structural'],
  ['additionalProperties', 'must be undefined to be structural'],
  ['default', 'must be undefined to be structural'],
  ['title', 'must be empty to be structural'],
  ['description', 'must be empty to be structural'],
  ['nullable', 'must be false to be structural'],
  ['x-kubernetes-preserve-unknown-fields', 'must be false to be structural'],
  ['x-kubernetes-embedded-resource', 'must be false to be structural'],
  ['x-kubernetes-int-or-string', 'must be false to be structural'],
  ['x-kubernetes-list-map-keys', 'must be empty to be structural'],
  ['x-kubernetes-list-type', 'must be undefined to be structural'],
  ['x-kubernetes-map-type', 'must be undefined to be structural'],
  ['x-kubernetes-validations', 'must be empty to be structural'],
];

function nested(v: JSONSchemaProps, skipAnyOf: boolean, path: string, errs: FieldError[]): void {
  valueValidation(v, skipAnyOf, false, path, errs);
  if (v.items && !Array.isArray(v.items)) nested(v.items, false, child(path, 'items'), errs);
  for (const [k, p] of Object.entries(v.properties ?? {})) nested(p, false, key(child(path, 'properties'), k), errs);
  if (typeof v.additionalProperties === 'object') nested(v.additionalProperties, false, child(path, 'additionalProperties'), errs);
  for (const [f, detail] of FORBIDDEN_IN_NESTED) {
    const x = v[f];
    if (x === undefined || x === null || isZero(x)) continue;
    if (f === 'additionalProperties') errs.push(fieldErrors.forbidden(child(path, f), detail));
    else errs.push(fieldErrors.forbidden(child(path, f), detail));
  }
  if (v.properties && Object.hasOwn(v.properties, 'metadata')) errs.push(fieldErrors.forbidden(key(child(path, 'properties'), 'metadata'), 'must not be specified in a nested context'));
}

/** Fields value validations mention must exist in the structural part at the same place. */
function completeness(v: JSONSchemaProps, s: JSONSchemaProps | undefined, sPath: string, vPath: string, errs: FieldError[]): void {
  const subs: [JSONSchemaProps, string][] = [
    ...(v.not ? [[v.not, child(vPath, 'not')] as [JSONSchemaProps, string]] : []),
    ...(v.allOf ?? []).map((x, i) => [x, index(child(vPath, 'allOf'), i)] as [JSONSchemaProps, string]),
    ...(v.anyOf ?? []).map((x, i) => [x, index(child(vPath, 'anyOf'), i)] as [JSONSchemaProps, string]),
    ...(v.oneOf ?? []).map((x, i) => [x, index(child(vPath, 'oneOf'), i)] as [JSONSchemaProps, string]),
  ];
  for (const [x, p] of subs) nestedCompleteness(x, s, sPath, p, errs);
}

function nestedCompleteness(v: JSONSchemaProps, s: JSONSchemaProps | undefined, sPath: string, vPath: string, errs: FieldError[]): void {
  if (!s) {
    errs.push(fieldErrors.required(sPath, `because it is defined in ${vPath}`));
    return;
  }
  completeness(v, s, sPath, vPath, errs);
  if (v.items && !Array.isArray(v.items)) {
    nestedCompleteness(v.items, s.items && !Array.isArray(s.items) ? s.items : undefined, child(sPath, 'items'), child(vPath, 'items'), errs);
  }
  for (const [k, p] of Object.entries(v.properties ?? {})) {
    const sp = s.properties && Object.hasOwn(s.properties, k) ? s.properties[k] : undefined;
    if (!sp) errs.push(fieldErrors.required(key(child(sPath, 'properties'), k), `because it is defined in ${key(child(vPath, 'properties'), k)}`));
    else nestedCompleteness(p, sp, key(child(sPath, 'properties'), k), key(child(vPath, 'properties'), k), errs);
  }
}
