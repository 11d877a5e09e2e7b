// Schema-driven decoding checks. Upstream decodes a request body into Go structs, so it rejects
// values of the wrong JSON type (`json: cannot unmarshal string into Go struct field ...`) and,
// with fieldValidation=Strict, fields the struct does not have. We have no Go structs; the kind's
// OpenAPI schema tells us the same things, and these functions word the answers as upstream does.
import { BadRequestError } from './errors.js';
import { quantityError } from './quantity.js';
import { OpenApiSpec, type GroupVersionKind, type SchemaObject } from './schema.js';

const RAW_EXTENSION = 'io.k8s.apimachinery.pkg.runtime.RawExtension';
const FIELDS_V1 = 'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
/** IntOrString's integer side. */
const INT32: SchemaObject = { type: 'integer', format: 'int32' };
const TIMES = new Set(['io.k8s.apimachinery.pkg.apis.meta.v1.Time', 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime']);

// Types whose content is free-form even though the schema gives them no properties.
const FREE_FORM = new Set([RAW_EXTENSION, FIELDS_V1, INT_OR_STRING, QUANTITY]);

/** A body that cannot be decoded into the kind: upstream's 400 `... cannot be handled as a <Kind>: ...`. */
export class DecodeError extends BadRequestError {
  constructor(gvk: GroupVersionKind, readonly detail: string) {
    super(`${gvk.kind} in version "${gvk.version}" cannot be handled as a ${gvk.kind}: ${detail}`);
  }
}

/**
 * The fieldValidation=Strict rejection for the paths findUnknownFields returned and the members a
 * JSON body repeated (the strict decoder lists duplicates first).
 */
export function strictDecodingError(gvk: GroupVersionKind, unknownFields: string[], duplicateFields: string[] = []): DecodeError {
  return new DecodeError(gvk, `strict decoding error: ${strictDecodingProblems(unknownFields, duplicateFields).join(', ')}`);
}

/** The strict decoder's problems one by one, as fieldValidation=Warn returns them in warnings. */
export function strictDecodingProblems(unknownFields: string[], duplicateFields: string[] = []): string[] {
  return [...duplicateFields.map(f => `duplicate field "${f}"`), ...unknownFields.map(f => `unknown field "${f}"`)];
}

/** Paths of fields the schema does not declare, named as upstream's strict decoder names them. */
export function findUnknownFields(gvk: GroupVersionKind, obj: unknown, spec = OpenApiSpec.shared()): string[] {
  const root = spec.schemaFor(gvk);
  if (!root) return [];
  const out: string[] = [];
  walkUnknown(spec, root, obj, [], out);
  return out;
}

/** `path` holds field names and list indexes; it is spelled out only for an unknown field (`spec.containers[0].x`). */
function walkUnknown(spec: OpenApiSpec, schemaRef: SchemaObject, value: unknown, path: (string | number)[], out: string[]): void {
  if (value === null || value === undefined) return;
  const ref = spec.refName(schemaRef);
  if (ref && FREE_FORM.has(ref)) return;
  const schema = spec.resolve(schemaRef);
  if (!schema || schema['x-kubernetes-preserve-unknown-fields'] || schema['x-kubernetes-int-or-string']) return;
  if (Array.isArray(value)) {
    if (!schema.items) return;
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      walkUnknown(spec, schema.items, value[i], path, out);
      path.pop();
    }
    return;
  }
  if (typeof value !== 'object') return;
  const declared = schema.properties;
  const values = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  if (!declared && !values) return;
  for (const k of Object.keys(value as Record<string, unknown>)) {
    const child = declared ? (Object.hasOwn(declared, k) ? declared[k] : undefined) : values;
    path.push(k);
    if (!child) out.push(spellPath(path));
    else walkUnknown(spec, child, (value as Record<string, unknown>)[k], path, out);
    path.pop();
  }
}

function spellPath(path: (string | number)[]): string {
  let out = '';
  for (const el of path) out += typeof el === 'number' ? `[${el}]` : out ? `.${el}` : el;
  return out;
}

/**
 * The error upstream's decoder would report for values of the wrong JSON type, or undefined.
 * Like Go's encoding/json, a type mismatch is remembered and decoding goes on (the first one is
 * reported), while a failing custom decoder (quantities, int-or-string, times) stops at once.
 */
export function checkTypes(gvk: GroupVersionKind, obj: unknown, spec = OpenApiSpec.shared()): DecodeError | undefined {
  const name = spec.definitionNameFor(gvk);
  if (!name) return undefined;
  const state: TypeWalk = { spec, struct: '', fields: [] };
  try {
    checkValue(state, { $ref: `#/definitions/${name}` }, obj);
  } catch (e) {
    if (e instanceof Abort) return new DecodeError(gvk, e.message);
    throw e;
  }
  return state.saved ? new DecodeError(gvk, state.saved) : undefined;
}

interface TypeWalk {
  spec: OpenApiSpec;
  /** Go struct holding the current field, and the JSON field names from the root (no indexes or map keys, as Go). */
  struct: string;
  fields: string[];
  saved?: string;
}

class Abort extends Error {}

function checkValue(w: TypeWalk, schemaRef: SchemaObject, value: unknown): void {
  if (value === null || value === undefined) return;
  const ref = w.spec.refName(schemaRef);
  if (ref === RAW_EXTENSION || ref === FIELDS_V1) return;
  if (ref === QUANTITY) return checkQuantity(value);
  if (ref === INT_OR_STRING || schemaRef['x-kubernetes-int-or-string']) {
    // IntOrString decodes anything but a string as an int32.
    if (typeof value !== 'string') checkInteger(w, value, INT32, true);
    return;
  }
  if (ref && TIMES.has(ref)) {
    if (typeof value !== 'string') throw new Abort(typeErrorText(w, jsonKind(value), 'string'));
    return;
  }
  const schema = w.spec.resolve(schemaRef);
  if (!schema || schema['x-kubernetes-preserve-unknown-fields']) return;
  switch (schema.type) {
    case 'object':
      if (schema.properties) return checkStruct(w, schema, ref, value, schemaRef);
      if (typeof schema.additionalProperties === 'object') {
        if (!isPlainObject(value)) return save(w, value, schemaRef);
        for (const k in value) checkValue(w, schema.additionalProperties, value[k]);
      }
      return;
    case 'array':
      if (!Array.isArray(value)) return save(w, value, schemaRef);
      if (schema.items) for (const v of value) checkValue(w, schema.items, v);
      return;
    case 'string':
      if (schema.format === 'byte' && typeof value === 'string') return checkBase64(w, value);
      if (typeof value !== 'string') save(w, value, schemaRef);
      return;
    case 'integer':
      return checkInteger(w, value, schemaRef, false);
    case 'number':
      if (typeof value !== 'number') save(w, value, schemaRef);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') save(w, value, schemaRef);
      return;
  }
}

// Every write walks its body here: the walk keeps to plain loops, without per-object temporaries.
function checkStruct(w: TypeWalk, schema: SchemaObject, ref: string | undefined, value: unknown, schemaRef: SchemaObject): void {
  if (!isPlainObject(value)) return save(w, value, schemaRef);
  const outerStruct = w.struct;
  const depth = w.fields.length;
  const struct = ref ? shortName(ref) : outerStruct;
  const properties = schema.properties!;
  for (const k in value) {
    if (!Object.hasOwn(properties, k)) continue; // unknown fields are findUnknownFields' business
    w.struct = struct;
    w.fields.push(k);
    checkValue(w, properties[k], value[k]);
    w.struct = outerStruct;
    w.fields.length = depth;
  }
}

// Go type names are needed only in error texts and for integer ranges, so the schema is passed
// along and named only then.
function checkInteger(w: TypeWalk, value: unknown, schemaRef: SchemaObject, abort: boolean): void {
  let problem: string | undefined;
  if (typeof value !== 'number') problem = jsonKind(value);
  else if (!Number.isInteger(value) || ((value < -(2 ** 31) || value >= 2 ** 31) && goTypeOf(w.spec, schemaRef) === 'int32')) problem = `number ${value}`;
  if (!problem) return;
  const text = typeErrorText(w, problem, goTypeOf(w.spec, schemaRef));
  if (abort) throw new Abort(text);
  w.saved ??= text;
}

function save(w: TypeWalk, value: unknown, schemaRef: SchemaObject): void {
  w.saved ??= typeErrorText(w, jsonKind(value), goTypeOf(w.spec, schemaRef));
}

/** Go's UnmarshalTypeError text; `what` describes the JSON value ("string", "number 1.5", ...). */
function typeErrorText(w: TypeWalk, what: string, goType: string): string {
  return w.fields.length
    ? `json: cannot unmarshal ${what} into Go struct field ${w.struct}.${w.fields.join('.')} of type ${goType}`
    : `json: cannot unmarshal ${what} into Go value of type ${goType}`;
}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value; // string, number, object
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The Go type upstream would name for a schema, e.g. `[]v1.Container`, `map[string]string`, `int32`. */
function goTypeOf(spec: OpenApiSpec, schemaRef: SchemaObject): string {
  const ref = spec.refName(schemaRef);
  if (ref) {
    const parts = ref.split('.');
    return `${parts[parts.length - 2]}.${parts[parts.length - 1]}`;
  }
  const s = schemaRef;
  switch (s.type) {
    case 'array': return `[]${s.items ? goTypeOf(spec, s.items) : 'interface {}'}`;
    case 'object': return `map[string]${typeof s.additionalProperties === 'object' ? goTypeOf(spec, s.additionalProperties) : 'interface {}'}`;
    case 'string': return s.format === 'byte' ? '[]uint8' : 'string';
    case 'integer': return s.format === 'int32' ? 'int32' : 'int64';
    case 'number': return 'float64';
    case 'boolean': return 'bool';
    default: return 'interface {}';
  }
}

function shortName(definition: string): string {
  return definition.slice(definition.lastIndexOf('.') + 1);
}

// resource.Quantity's UnmarshalJSON: strings (trimmed) and numbers are parsed; its errors stop the decode.
function checkQuantity(value: unknown): void {
  const error = quantityError(typeof value === 'string' ? value.trim() : value);
  if (error) throw new Abort(error);
}

// []byte fields take standard base64 (Secret data, CA bundles); Go's decoder names the first bad byte.
const BASE64_ALPHABET = /[A-Za-z0-9+/]/;

function checkBase64(w: TypeWalk, s: string): void {
  const at = base64ErrorOffset(s);
  if (at !== undefined) w.saved ??= `illegal base64 data at input byte ${at}`;
}

/** Where Go's base64.StdEncoding.Decode fails on s, if it does (newlines are skipped, as Go does). */
export function base64ErrorOffset(s: string): number | undefined {
  let si = 0;
  const skipNewlines = () => { while (si < s.length && (s[si] === '\n' || s[si] === '\r')) si++; };
  for (;;) {
    let j = 0;
    while (j < 4) {
      if (si === s.length) return j === 0 ? undefined : si - j;
      const c = s[si++];
      if (BASE64_ALPHABET.test(c)) { j++; continue; }
      if (c === '\n' || c === '\r') continue;
      if (c !== '=') return si - 1;
      // Padding: legal only as the third or fourth character of the last quantum.
      if (j < 2) return si - 1;
      if (j === 2) {
        skipNewlines();
        if (si === s.length) return s.length;
        if (s[si] !== '=') return si - 1;
        si++;
      }
      skipNewlines();
      return si < s.length ? si : undefined;
    }
  }
}
