// Validation of a decoded JSON value against a CRD's OpenAPI v3 schema, as upstream's kube-openapi
// validator does for custom resources (type, nullable, enum, formats, bounds, lengths, patterns,
// items, properties, the allOf/anyOf/oneOf/not value validations), with its error texts mapped to
// field errors as apiextensions-apiserver's kubeOpenAPIResultToFieldErrors maps them.
import { RE2JS } from '@bufbuild/re2';
import { FieldError, fieldErrors } from '../errors.js';
import { formatCheck } from './formats.js';
import { goNumber } from './go-render.js';
import { child, index } from './paths.js';
import type { JSONSchemaProps } from './types.js';

const regexCache = new Map<string, RE2JS | null>();

/** An RE2 pattern as Go's regexp compiles it, or null when it does not compile. */
export function compilePattern(pattern: string): RE2JS | null {
  let re = regexCache.get(pattern);
  if (re === undefined) {
    try {
      re = RE2JS.compile(pattern);
    } catch {
      re = null;
    }
    if (regexCache.size > 2000) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re;
}

/** JSON type name of a value as the validator reports it. */
export function jsonType(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v === 'object' ? 'object' : typeof v;
}

function typeMatches(type: string, v: unknown): boolean {
  const actual = jsonType(v);
  return actual === type || (type === 'number' && actual === 'integer');
}

/** Deep equality of decoded JSON values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => jsonEqual(x, bb[i]));
  }
  const ao = a as Record<string, unknown>, bo = b as Record<string, unknown>;
  const ak = Object.keys(ao), bk = Object.keys(bo);
  return ak.length === bk.length && ak.every(k => Object.hasOwn(bo, k) && jsonEqual(ao[k], bo[k]));
}

/** "<name> in body ..." as kube-openapi words every message ("in body ..." for the value itself). */
const inBody = (path: string, what: string) => (path ? `${path} in body ${what}` : `in body ${what}`);

const invalid = (path: string, value: unknown, detail: string) => fieldErrors.invalid(path, value ?? '', detail);

/**
 * Every error of `value` against `schema`. Messages name fields from the value ('' is the value
 * itself); the errors' field paths start with `prefix` (a CRD default's path, say).
 */
export function validateValue(schema: JSONSchemaProps, value: unknown, prefix = ''): FieldError[] {
  const errs: FieldError[] = [];
  validateInto(schema, value, '', errs);
  if (!prefix) return errs;
  return errs.map(e => Object.assign(Object.create(Object.getPrototypeOf(e) as object) as FieldError, e, { field: e.field ? (e.field.startsWith('[') ? prefix + e.field : `${prefix}.${e.field}`) : prefix }));
}

function validateInto(s: JSONSchemaProps, v: unknown, path: string, errs: FieldError[]): void {
  if (!typeValid(s, v, path, errs)) return;
  compositions(s, v, path, errs);
  if (v === null) return;
  if (typeof v === 'string') strings(s, v, path, errs);
  else if (typeof v === 'number') numbers(s, v, path, errs);
  else if (Array.isArray(v)) arrays(s, v, path, errs);
  else if (typeof v === 'object') objects(s, v as Record<string, unknown>, path, errs);
  if (s.enum && !s.enum.some(e => jsonEqual(e, v))) {
    errs.push(fieldErrors.notSupported(path, v, s.enum.map(e => (typeof e === 'string' ? e : JSON.stringify(e)))));
  }
}

function typeValid(s: JSONSchemaProps, v: unknown, path: string, errs: FieldError[]): boolean {
  if (v === null || v === undefined) {
    if (s.nullable || (!s.type && !s['x-kubernetes-int-or-string'])) return true;
    const types = s['x-kubernetes-int-or-string'] ? 'integer,string' : s.type!;
    errs.push(fieldErrors.typeInvalid(path, '', inBody(path, `must be of type ${types}: "null"`)));
    return false;
  }
  if (s['x-kubernetes-int-or-string']) {
    if (typeMatches('integer', v) || typeof v === 'string') return true;
    errs.push(fieldErrors.typeInvalid(path, v, inBody(path, `must be of type integer,string: "${jsonType(v)}"`)));
    return false;
  }
  if (!s.type || typeMatches(s.type, v)) return true;
  errs.push(fieldErrors.typeInvalid(path, v, inBody(path, `must be of type ${s.type}: "${jsonType(v)}"`)));
  return false;
}

function strings(s: JSONSchemaProps, v: string, path: string, errs: FieldError[]): void {
  // Lengths count characters (runes), as Go's utf8.RuneCountInString.
  const length = s.maxLength !== undefined || s.minLength !== undefined ? [...v].length : 0;
  if (s.maxLength !== undefined && length > s.maxLength) errs.push(tooLong(path, s.maxLength));
  if (s.minLength !== undefined && length < s.minLength) errs.push(invalid(path, v, inBody(path, `should be at least ${s.minLength} chars long`)));
  if (s.pattern !== undefined) {
    const re = compilePattern(s.pattern);
    if (re && !re.test(v)) errs.push(invalid(path, v, inBody(path, `should match '${s.pattern}'`)));
  }
  const format = formatCheck(s.format);
  if (format && !format(v)) errs.push(fieldErrors.typeInvalid(path, v, inBody(path, `must be of type ${s.format}: ${JSON.stringify(v)}`)));
}

export function tooLong(path: string, max: number): FieldError {
  return new FieldError('FieldValueTooLong', path, `may not be more than ${max} ${max === 1 ? 'byte' : 'bytes'}`);
}

export function tooMany(path: string, max: number): FieldError {
  return new FieldError('FieldValueTooMany', path, `must have at most ${max} items`);
}

function numbers(s: JSONSchemaProps, v: number, path: string, errs: FieldError[]): void {
  if (s.maximum !== undefined && (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum)) {
    errs.push(invalid(path, v, inBody(path, `should be less than ${s.exclusiveMaximum ? '' : 'or equal to '}${goNumber(s.maximum)}`)));
  }
  if (s.minimum !== undefined && (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum)) {
    errs.push(invalid(path, v, inBody(path, `should be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${goNumber(s.minimum)}`)));
  }
  if (s.multipleOf !== undefined && s.multipleOf > 0) {
    const q = v / s.multipleOf;
    if (Math.abs(q - Math.round(q)) > 1e-9 * Math.max(1, Math.abs(q))) errs.push(invalid(path, v, inBody(path, `should be a multiple of ${goNumber(s.multipleOf)}`)));
  }
}

function arrays(s: JSONSchemaProps, v: unknown[], path: string, errs: FieldError[]): void {
  if (s.maxItems !== undefined && v.length > s.maxItems) errs.push(tooMany(path, s.maxItems));
  if (s.minItems !== undefined && v.length < s.minItems) errs.push(invalid(path, v, inBody(path, `should have at least ${s.minItems} items`)));
  if (s.uniqueItems && v.some((x, i) => v.findIndex(y => jsonEqual(x, y)) !== i)) errs.push(invalid(path, v, inBody(path, "shouldn't contain duplicates")));
  const items = s.items;
  if (items && !Array.isArray(items)) v.forEach((x, i) => validateInto(items, x, index(path, i), errs));
}

function objects(s: JSONSchemaProps, v: Record<string, unknown>, path: string, errs: FieldError[]): void {
  const count = Object.keys(v).length;
  if (s.maxProperties !== undefined && count > s.maxProperties) errs.push(tooMany(path, s.maxProperties));
  if (s.minProperties !== undefined && count < s.minProperties) errs.push(invalid(path, v, inBody(path, `should have at least ${s.minProperties} properties`)));
  for (const r of s.required ?? []) if (!Object.hasOwn(v, r)) errs.push(fieldErrors.required(child(path, r)));
  const props = s.properties ?? {};
  for (const [k, x] of Object.entries(v)) {
    const p = Object.hasOwn(props, k) ? props[k] : undefined;
    if (p) validateInto(p, x, child(path, k), errs);
    else if (typeof s.additionalProperties === 'object') validateInto(s.additionalProperties, x, child(path, k), errs);
    else if (s.additionalProperties === false) errs.push(invalid(child(path, k), x, inBody(child(path, k), 'is a forbidden property')));
  }
}

/** allOf/anyOf/oneOf/not: value validations over the same value. */
function compositions(s: JSONSchemaProps, v: unknown, path: string, errs: FieldError[]): void {
  if (s.allOf?.length) {
    const sub = s.allOf.map(x => nested(x, v, path));
    if (sub.some(e => e.length)) {
      errs.push(invalid(path, v, inBody(path, 'must validate all the schemas (allOf)')));
      for (const e of sub) errs.push(...e);
    }
  }
  if (s.anyOf?.length) {
    const sub = s.anyOf.map(x => nested(x, v, path));
    if (!sub.some(e => !e.length)) {
      errs.push(invalid(path, v, inBody(path, 'must validate at least one schema (anyOf)')));
      errs.push(...fewest(sub));
    }
  }
  if (s.oneOf?.length) {
    const sub = s.oneOf.map(x => nested(x, v, path));
    const valid = sub.filter(e => !e.length).length;
    if (valid !== 1) {
      const found = valid === 0 ? 'Found none valid' : `Found ${valid} valid alternatives`;
      errs.push(invalid(path, v, inBody(path, `must validate one and only one schema (oneOf). ${found}`)));
      if (valid === 0) errs.push(...fewest(sub));
    }
  }
  if (s.not && !nested(s.not, v, path).length) errs.push(invalid(path, v, inBody(path, 'must not validate the schema (not)')));
}

function nested(s: JSONSchemaProps, v: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  validateInto(s, v, path, errs);
  return errs;
}

/** The failures of the alternative that came closest, which kube-openapi reports with anyOf/oneOf. */
function fewest(sub: FieldError[][]): FieldError[] {
  return sub.reduce((best, e) => (e.length < best.length ? e : best));
}
