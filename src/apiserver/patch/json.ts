// Plain JSON values and the few helpers every patch flavour needs. Patches are applied to decoded
// JSON (never to typed objects), so these are the only shapes the package deals in. Keys are data
// (util/data-keys.ts): `__proto__` and `constructor` are copied and compared like any other key.
import { setKey } from '../../util/data-keys.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject { [key: string]: JsonValue }

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Structural equality: key order of objects does not matter, array order does. */
export { jsonEqual as deepEqual } from '../../util/json-equal.js';

/**
 * A deep copy of a JSON value, so that patch functions never mutate what they were given. Plain
 * recursion: several times faster than structuredClone, which serialises through a generic
 * format, and every write of the API server copies objects.
 */
export function clone<T>(v: T): T {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(clone) as T;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) setKey(out, k, clone((v as Record<string, unknown>)[k]));
  return out as T;
}
