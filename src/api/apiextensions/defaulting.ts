// Structural defaulting, as upstream's codec applies it to custom resources: first nulls the schema
// does not allow and has no default for are dropped (PruneNonNullableNullsWithoutDefaults), then
// missing fields — and non-nullable nulls — get their schema default, depth first (Default).
import type { JSONSchemaProps } from './types.js';

type Json = Record<string, unknown>;

const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const itemsOf = (s: JSONSchemaProps | undefined) => (s && !Array.isArray(s.items) ? s.items : undefined);
const additionalOf = (s: JSONSchemaProps | undefined) => (s && typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);

function fieldSchema(s: JSONSchemaProps | undefined, k: string): JSONSchemaProps | undefined {
  if (!s) return undefined;
  if (s.properties && Object.hasOwn(s.properties, k)) return s.properties[k];
  return additionalOf(s);
}

const copy = (v: unknown): unknown => (v === undefined ? undefined : structuredClone(v));

function pruneNulls(x: unknown, s: JSONSchemaProps | undefined): void {
  if (Array.isArray(x)) {
    for (const v of x) pruneNulls(v, itemsOf(s));
  } else if (isMap(x)) {
    for (const k of Object.keys(x)) {
      const fs = fieldSchema(s, k);
      if (x[k] === null && fs && !fs.nullable && fs.default === undefined) delete x[k];
      else pruneNulls(x[k], fs);
    }
  }
}

const nonNullableNull = (v: unknown, s: JSONSchemaProps | undefined) => v === null && !!s && !s.nullable;

function applyDefaults(x: unknown, s: JSONSchemaProps | undefined): void {
  if (!s) return;
  if (Array.isArray(x)) {
    const items = itemsOf(s);
    for (let i = 0; i < x.length; i++) {
      if (nonNullableNull(x[i], items)) x[i] = copy(items!.default) ?? null;
      applyDefaults(x[i], items);
    }
    return;
  }
  if (!isMap(x)) return;
  for (const [k, prop] of Object.entries(s.properties ?? {})) {
    if (prop.default === undefined) continue;
    if (!Object.hasOwn(x, k) || nonNullableNull(x[k], prop)) x[k] = copy(prop.default);
  }
  const addl = additionalOf(s);
  for (const k of Object.keys(x)) {
    if (s.properties && Object.hasOwn(s.properties, k)) {
      applyDefaults(x[k], s.properties[k]);
    } else if (addl) {
      if (nonNullableNull(x[k], addl) && addl.default !== undefined) x[k] = copy(addl.default);
      applyDefaults(x[k], addl);
    }
  }
}

/** Applies the schema's defaults to `obj` in place. */
export function defaultObject(obj: unknown, schema: JSONSchemaProps | undefined): void {
  pruneNulls(obj, schema);
  applyDefaults(obj, schema);
}
