// Messages whose JSON form is not an object of their fields: apimachinery types with custom JSON
// marshalling (timestamps, quantities, int-or-string, embedded raw JSON) and authentication's
// ExtraValue, which is a bare string list in JSON.
import { Reader, WireError } from './wire.js';
import { jsonDepthError } from '../http/nesting.js';

export type SpecialDecoder = (r: Reader) => unknown;

/** Reads every field of a small message into a number → last-value map via `read`. */
function fields<T>(r: Reader, read: (field: number, wire: number) => T | undefined): Map<number, T> {
  const out = new Map<number, T>();
  while (!r.done) {
    const { field, wire } = r.tag();
    const v = read(field, wire);
    if (v === undefined) r.skip(wire);
    else out.set(field, v);
  }
  return out;
}

/** meta/v1 Timestamp {1: seconds, 2: nanos}; an empty message is Go's zero time, JSON null. */
function timestamp(r: Reader): { seconds: number; nanos: number } | null {
  if (r.done) return null;
  const f = fields(r, (field, wire) => (field === 1 && wire === 0 ? r.int64() : field === 2 && wire === 0 ? r.int32() : undefined));
  return { seconds: f.get(1) ?? 0, nanos: f.get(2) ?? 0 };
}

/** `2006-01-02T15:04:05` in UTC. */
function utcSeconds(seconds: number): string {
  const d = new Date(seconds * 1000);
  if (Number.isNaN(d.getTime())) throw new WireError(`timestamp out of range: ${seconds}s`);
  return d.toISOString().slice(0, 19);
}

/** meta/v1 Time: RFC 3339 with whole seconds, as Time.MarshalJSON. */
function time(r: Reader): string | null {
  const t = timestamp(r);
  return t && `${utcSeconds(t.seconds)}Z`;
}

/** meta/v1 MicroTime: RFC 3339 with a 6-digit fraction. */
function microTime(r: Reader): string | null {
  const t = timestamp(r);
  return t && `${utcSeconds(t.seconds)}.${String(Math.floor(t.nanos / 1000)).padStart(6, '0')}Z`;
}

function stringField1(r: Reader): string {
  return fields(r, (field, wire) => (field === 1 && wire === 2 ? r.string() : undefined)).get(1) ?? '';
}

/** resource.Quantity {1: string}; Go's zero Quantity prints as "0". */
function quantity(r: Reader): string {
  return stringField1(r) || '0';
}

/** intstr.IntOrString {1: type (0 int, 1 string), 2: intVal, 3: strVal}. */
function intOrString(r: Reader): number | string {
  let type = 0;
  let intVal = 0;
  let strVal = '';
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === 0) type = r.int64();
    else if (field === 2 && wire === 0) intVal = r.int32();
    else if (field === 3 && wire === 2) strVal = r.string();
    else r.skip(wire);
  }
  return type === 1 ? strVal : intVal;
}

/** A {1: raw bytes} message holding JSON (FieldsV1, RawExtension); absent raw is JSON null. */
function rawJson(r: Reader): unknown {
  const raw = fields(r, (field, wire) => (field === 1 && wire === 2 ? r.bytes() : undefined)).get(1);
  if (!raw || raw.length === 0) return null;
  const text = raw.toString('utf8');
  const tooDeep = jsonDepthError(text);
  if (tooDeep) throw new WireError(`embedded raw object is not JSON: ${tooDeep}`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new WireError(`embedded raw object is not JSON: ${(err as Error).message}`);
  }
}

/** authentication/authorization ExtraValue {1: repeated string items} is a JSON string array. */
function extraValue(r: Reader): string[] {
  const items: string[] = [];
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === 2) items.push(r.string());
    else r.skip(wire);
  }
  return items;
}

export const SPECIAL: Readonly<Record<string, SpecialDecoder>> = {
  Time: time,
  MicroTime: microTime,
  Quantity: quantity,
  IntOrString: intOrString,
  FieldsV1: rawJson,
  RawExtension: rawJson,
  ExtraValue: extraValue,
};
