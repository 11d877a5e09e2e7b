// CEL types of schema-described data, as upstream's SchemaDeclType (apiserver/pkg/cel/common):
// what type `self` and its fields have in a CRD validation rule, and how large each value can be
// (maxItems, maxProperties, maxLength, or what fits into a request), which static cost estimation
// multiplies by. Strings with format date-time/date are timestamps, duration strings durations,
// `number` is double, x-kubernetes-int-or-string is dyn.
import { unescapeFieldName } from './escaping.js';

/** The schema keywords this reads (a CRD's JSONSchemaProps, or an OpenAPI schema without $refs). */
export interface TypedSchema {
  type?: string;
  format?: string;
  enum?: unknown[];
  required?: string[];
  default?: unknown;
  maxItems?: number;
  maxLength?: number;
  maxProperties?: number;
  properties?: Record<string, TypedSchema>;
  additionalProperties?: TypedSchema | boolean;
  items?: TypedSchema | TypedSchema[];
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: string;
}

export type CelTypeName =
  | 'int' | 'uint' | 'double' | 'bool' | 'string' | 'bytes' | 'null_type' | 'timestamp' | 'duration'
  | 'dyn' | 'list' | 'map' | 'object' | 'type' | 'opaque';

export interface DeclType {
  name: CelTypeName;
  /** list element / map value */
  elem?: DeclType;
  /** map key */
  key?: DeclType;
  /** object fields by property name */
  fields?: Map<string, DeclType>;
  /** an opaque type's name (kubernetes.Quantity, net.IP, ...) */
  opaque?: string;
  /** Most elements (items, properties, string bytes) a value described by a schema can have. */
  maxElements?: number;
  /** Fewest bytes a value of this type takes in JSON. */
  minSerializedSize: number;
  /** Unknown fields are kept (x-kubernetes-preserve-unknown-fields): selecting them is not checked. */
  open?: boolean;
  /** x-kubernetes-list-type set or map: equality ignores the order of items. */
  unordered?: boolean;
}

/** celconfig.MaxRequestSizeBytes: the largest request the estimate assumes. */
export const MAX_REQUEST_SIZE_BYTES = 3 * 1024 * 1024;
const MAX_DURATION_SIZE_JSON = 32;
const MAX_DATETIME_SIZE_JSON = 32;
const MIN_DURATION_SIZE_JSON = 3;
const JSON_DATE_SIZE = 12;
const MIN_DATETIME_SIZE_JSON = 21;
const MIN_STRING_SIZE = 2;
const MIN_BOOL_SIZE = 4;
const MIN_NUMBER_SIZE = 1;

export const simple = (name: CelTypeName, minSerializedSize = 1): DeclType => ({ name, minSerializedSize });
export const DYN = simple('dyn');
export const listOf = (elem: DeclType, maxElements?: number): DeclType => ({ name: 'list', elem, maxElements, minSerializedSize: 2 });
export const mapOf = (key: DeclType, elem: DeclType, maxElements?: number): DeclType => ({ name: 'map', key, elem, maxElements, minSerializedSize: 2 });
// Upstream's map key type is its plain StringType, which declares no size: keys are estimated empty.
const STRING_KEY: DeclType = { name: 'string', minSerializedSize: MIN_STRING_SIZE, maxElements: 0 };

const nonNegative = (n: number) => Math.max(0, n);

function maxStringLength(s: TypedSchema): number {
  if (s['x-kubernetes-int-or-string']) return MAX_REQUEST_SIZE_BYTES - 2;
  switch (s.format) {
    case 'duration': return MAX_DURATION_SIZE_JSON;
    case 'date': return JSON_DATE_SIZE;
    case 'date-time': return MAX_DATETIME_SIZE_JSON;
    default: return MAX_REQUEST_SIZE_BYTES - 2;
  }
}

/** The apiVersion/kind/metadata.name/generateName every resource root shows to CEL. */
function withTypeAndObjectMeta(s: TypedSchema): TypedSchema {
  const str = { type: 'string' };
  return { ...s, properties: { ...s.properties, apiVersion: str, kind: str, metadata: { type: 'object', properties: { name: str, generateName: str } } } };
}

/** The CEL type of values of `s`, or undefined where upstream exposes nothing to CEL. */
export function schemaDeclType(s: TypedSchema | undefined, isResourceRoot: boolean): DeclType | undefined {
  if (!s) return undefined;
  if (s['x-kubernetes-int-or-string']) {
    return { name: 'dyn', minSerializedSize: 1, maxElements: s.maxLength !== undefined ? nonNegative(s.maxLength) * 4 : maxStringLength(s) };
  }
  if (isResourceRoot) s = withTypeAndObjectMeta(s);
  switch (s.type) {
    case 'array': {
      if (!s.items || Array.isArray(s.items)) return undefined;
      const items = schemaDeclType(s.items, !!s.items['x-kubernetes-embedded-resource']);
      if (!items) return undefined;
      const list = listOf(items, s.maxItems !== undefined ? nonNegative(s.maxItems) : Math.floor((MAX_REQUEST_SIZE_BYTES - 2) / (items.minSerializedSize + 1)));
      const listType = s['x-kubernetes-list-type'];
      return listType === 'set' || listType === 'map' ? { ...list, unordered: true } : list;
    }
    case 'object': {
      if (typeof s.additionalProperties === 'object') {
        const values = schemaDeclType(s.additionalProperties, !!s.additionalProperties['x-kubernetes-embedded-resource']);
        if (!values) return undefined;
        return mapOf(STRING_KEY, values, s.maxProperties !== undefined ? nonNegative(s.maxProperties) : Math.floor((MAX_REQUEST_SIZE_BYTES - 2) / (values.minSerializedSize + 6)));
      }
      const required = new Set(s.required ?? []);
      const fields = new Map<string, DeclType>();
      let minSerializedSize = 2;
      for (const [name, prop] of Object.entries(s.properties ?? {})) {
        const t = schemaDeclType(prop, !!prop['x-kubernetes-embedded-resource']);
        if (!t) continue;
        fields.set(name, t);
        if (required.has(name) && prop.default === undefined) minSerializedSize += name.length + t.minSerializedSize + 4;
      }
      return { name: 'object', fields, minSerializedSize, open: !!s['x-kubernetes-preserve-unknown-fields'] };
    }
    case 'string':
      switch (s.format) {
        case 'byte': return { name: 'bytes', minSerializedSize: MIN_STRING_SIZE, maxElements: s.maxLength !== undefined ? nonNegative(s.maxLength) : maxStringLength(s) };
        case 'duration': return { name: 'duration', minSerializedSize: MIN_DURATION_SIZE_JSON, maxElements: maxStringLength(s) };
        case 'date': return { name: 'timestamp', minSerializedSize: JSON_DATE_SIZE, maxElements: maxStringLength(s) };
        case 'date-time': return { name: 'timestamp', minSerializedSize: MIN_DATETIME_SIZE_JSON, maxElements: maxStringLength(s) };
      }
      return {
        name: 'string',
        minSerializedSize: MIN_STRING_SIZE,
        maxElements: s.maxLength !== undefined ? nonNegative(s.maxLength) * 4
          : s.enum?.length ? Math.max(0, ...s.enum.map(e => (typeof e === 'string' ? e.length : 0)))
            : maxStringLength(s),
      };
    case 'boolean': return simple('bool', MIN_BOOL_SIZE);
    case 'number': return simple('double', MIN_NUMBER_SIZE);
    case 'integer': return simple('int', MIN_NUMBER_SIZE);
  }
  return undefined;
}

/** The field `name` (possibly escaped, `__dash__`) of an object type. */
export function fieldType(t: DeclType, name: string): DeclType | undefined {
  if (!t.fields) return undefined;
  if (t.fields.has(name)) return t.fields.get(name);
  const unescaped = unescapeFieldName(name);
  return unescaped !== undefined ? t.fields.get(unescaped) : undefined;
}

/** cel-go's name of a type in its messages. */
export function typeText(t: DeclType): string {
  switch (t.name) {
    case 'list': return `list(${typeText(t.elem ?? DYN)})`;
    case 'map': return `map(${typeText(t.key ?? DYN)}, ${typeText(t.elem ?? DYN)})`;
    case 'timestamp': return 'google.protobuf.Timestamp';
    case 'duration': return 'google.protobuf.Duration';
    case 'opaque': return t.opaque ?? 'dyn';
    default: return t.name;
  }
}
