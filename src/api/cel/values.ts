// Between Kubernetes JSON and CEL values. Objects decoded from JSON carry integers as JS numbers;
// upstream types them from the OpenAPI schema (integer → int, number → double), so a whole number
// becomes a CEL int here and anything else a double, which is what the schema would say for every
// built-in resource. Maps are built as Maps, so no key (not even `__proto__`) is special.
import { isMessage, type Message } from '@bufbuild/protobuf';
import { isReflectMessage } from '@bufbuild/protobuf/reflect';
import { unescapeFieldName } from './escaping.js';
import { isCelList, isCelMap, isCelType, isCelUint, type CelInput, type CelValue } from '@bufbuild/cel';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/**
 * A decoded JSON value (or an opaque message) as a CEL input. Objects and arrays are wrapped, not
 * copied: a field is converted when an expression reads it, so a request costs what its policies
 * read, however large or deeply nested the object is. `undefined` fields do not exist.
 */
export function toCelInput(v: unknown): CelInput {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'number': return Number.isInteger(v) ? BigInt(v) : v;
    case 'string': case 'boolean': case 'bigint': return v;
    case 'object': break;
    default: throw new TypeError(`cannot convert ${typeof v} to a CEL value`);
  }
  if (Array.isArray(v)) return new Proxy(v, LAZY_ARRAY) as CelInput[];
  if (isMessage(v)) return v as Message;
  return new JsonMap(v as Record<string, unknown>);
}

/** Array elements converted as they are read (by index or by iteration). */
const LAZY_ARRAY: ProxyHandler<unknown[]> = {
  get(target, prop, receiver) {
    if (typeof prop === 'string' && /^(0|[1-9]\d*)$/.test(prop)) return toCelInput(target[Number(prop)]);
    return Reflect.get(target, prop, receiver);
  },
};

/** A JSON object as the Map @bufbuild/cel reads; only own fields with a value exist. */
class JsonMap extends Map<string, CelInput> {
  private fields?: string[];

  constructor(private readonly obj: Record<string, unknown>) {
    super();
  }

  private names(): string[] {
    this.fields ??= Object.keys(this.obj).filter(k => this.obj[k] !== undefined);
    return this.fields;
  }

  override get size(): number {
    return this.names().length;
  }

  override get(key: string): CelInput | undefined {
    if (typeof key !== 'string') return undefined;
    if (!Object.hasOwn(this.obj, key) || this.obj[key] === undefined) {
      // A field selected by its escaped name (`self.__namespace__`).
      const name = unescapeFieldName(key);
      return name !== undefined && Object.hasOwn(this.obj, name) && this.obj[name] !== undefined ? toCelInput(this.obj[name]) : undefined;
    }
    return toCelInput(this.obj[key]);
  }

  override has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  override keys(): MapIterator<string> {
    return this.names()[Symbol.iterator]() as MapIterator<string>;
  }

  override *values(): MapIterator<CelInput> {
    for (const k of this.names()) yield toCelInput(this.obj[k]);
  }

  override *entries(): MapIterator<[string, CelInput]> {
    for (const k of this.names()) yield [k, toCelInput(this.obj[k])];
  }

  override [Symbol.iterator](): MapIterator<[string, CelInput]> {
    return this.entries();
  }

  override forEach(fn: (value: CelInput, key: string, map: Map<string, CelInput>) => void, thisArg?: unknown): void {
    for (const [k, x] of this.entries()) fn.call(thisArg, x, k, this);
  }
}

/** A CEL result as JSON-able data (ints as numbers, maps as objects); opaque values as their text. */
export function toJson(v: CelValue): Json {
  switch (typeof v) {
    case 'bigint': return Number(v);
    case 'number': case 'string': case 'boolean': return v;
  }
  if (v === null) return null;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (isCelUint(v)) return Number(v.value);
  if (isCelList(v)) return [...v].map(toJson);
  if (isCelMap(v)) return Object.fromEntries([...v].map(([k, x]) => [String(isCelUint(k) ? k.value : k), toJson(x)]));
  if (isCelType(v)) return v.name;
  if (isReflectMessage(v)) return String((v.message as { key?: unknown }).key ?? '');
  return String(v);
}

/** A number of either kind as a JS number, or undefined. */
function numeric(v: CelValue): number | undefined {
  if (typeof v === 'bigint' || typeof v === 'number') return Number(v);
  if (isCelUint(v)) return Number(v.value);
  return undefined;
}

/** CEL's `==`: numbers compare across int, uint and double; lists and maps element-wise. */
export function celEquals(a: CelValue, b: CelValue): boolean {
  const na = numeric(a), nb = numeric(b);
  if (na !== undefined || nb !== undefined) {
    if (typeof a === 'bigint' && typeof b === 'bigint') return a === b;
    return na !== undefined && nb !== undefined && na === nb;
  }
  if (isCelList(a)) {
    if (!isCelList(b) || a.size !== b.size) return false;
    for (let i = 0; i < a.size; i++) if (!celEquals(a.get(i)!, b.get(i)!)) return false;
    return true;
  }
  if (isCelMap(a)) {
    if (!isCelMap(b) || a.size !== b.size) return false;
    for (const [k, x] of a) {
      const y = b.get(k);
      if (y === undefined || !celEquals(x, y)) return false;
    }
    return true;
  }
  if (isReflectMessage(a)) {
    return isReflectMessage(b) && a.desc.typeName === b.desc.typeName && toJson(a) === toJson(b);
  }
  if (a instanceof Uint8Array) return b instanceof Uint8Array && Buffer.from(a).equals(Buffer.from(b));
  return a === b;
}

export class NotComparableError extends Error {}

/** CEL's ordering of two values of one comparable kind (numbers, strings, bools, bytes). */
export function celCompare(a: CelValue, b: CelValue): number {
  const na = numeric(a), nb = numeric(b);
  if (na !== undefined && nb !== undefined) {
    if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
    return na < nb ? -1 : na > nb ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b);
  throw new NotComparableError(`no such overload: ${kindName(a)} < ${kindName(b)}`);
}

export function kindName(v: CelValue): string {
  if (v === null) return 'null_type';
  switch (typeof v) {
    case 'bigint': return 'int';
    case 'number': return 'double';
    case 'string': return 'string';
    case 'boolean': return 'bool';
  }
  if (isCelUint(v)) return 'uint';
  if (isCelList(v)) return 'list';
  if (isCelMap(v)) return 'map';
  if (v instanceof Uint8Array) return 'bytes';
  if (isReflectMessage(v)) return v.desc.typeName;
  return 'type';
}
