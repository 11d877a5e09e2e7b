// x-kubernetes-list-type set and map: elements (set) or map keys (map) must be unique, as
// upstream's listtype.ValidateListSetsAndMaps reports them ("Duplicate value").
import type { FieldError } from '../errors.js';
import { fieldErrors } from '../errors.js';
import { duplicateGo } from '../validation/go-value.js';
import { goValue } from './go-render.js';
import { child, index, key } from './paths.js';
import type { JSONSchemaProps } from './types.js';

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Indexes of the second occurrence of every repeated value (later repeats are not reported again). */
function repeats(values: unknown[]): number[] {
  const seen = new Map<string, number>();
  const out: number[] = [];
  values.forEach((v, i) => {
    const k = JSON.stringify(v, (_, x) => (isMap(x) ? Object.fromEntries(Object.keys(x).sort().map(k => [k, x[k]])) : x)) ?? 'undefined';
    const times = seen.get(k) ?? 0;
    seen.set(k, times + 1);
    if (times === 1) out.push(i);
  });
  return out;
}

const duplicate = (path: string, v: unknown) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? fieldErrors.duplicate(path, v) : duplicateGo(path, goValue(v), v));

function validateArray(path: string, s: JSONSchemaProps, list: unknown[], errs: FieldError[]): void {
  const type = s['x-kubernetes-list-type'];
  if (type === 'set') {
    for (const i of repeats(list)) errs.push(duplicate(index(path, i), list[i]));
  } else if (type === 'map') {
    const bad = list.findIndex(x => x !== null && !isMap(x));
    if (bad >= 0) {
      errs.push(fieldErrors.invalid(index(path, bad), list[bad], 'must be an object for an array of list-type map'));
    } else {
      const names = s['x-kubernetes-list-map-keys'] ?? [];
      const keys = list.map(x => {
        const k: Json = {};
        for (const n of names) if (isMap(x) && Object.hasOwn(x, n)) k[n] = x[n];
        return k;
      });
      for (const i of repeats(keys)) errs.push(duplicateGo(index(path, i), goValue(keys[i]), keys[i]));
    }
  }
  const items = !Array.isArray(s.items) ? s.items : undefined;
  if (items) list.forEach((x, i) => walk(index(path, i), items, x, errs));
}

function walk(path: string, s: JSONSchemaProps, v: unknown, errs: FieldError[]): void {
  if (Array.isArray(v)) validateArray(path, s, v, errs);
  else if (isMap(v)) validateObject(path, s, v, errs);
}

function validateObject(path: string, s: JSONSchemaProps, obj: Json, errs: FieldError[]): void {
  const addl = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  for (const [k, v] of Object.entries(obj)) {
    if (s.properties && Object.hasOwn(s.properties, k)) walk(child(path, k), s.properties[k]!, v, errs);
    else if (addl) walk(key(path, k), addl, v, errs);
  }
}

/** Duplicate set elements and map keys anywhere in `obj`. */
export function validateListTypes(schema: JSONSchemaProps, obj: Json, path = ''): FieldError[] {
  const errs: FieldError[] = [];
  validateObject(path, schema, obj, errs);
  return errs;
}
