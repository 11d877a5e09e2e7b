// Table-driven decoding of a protobuf message into the plain object its JSON encoding would give.
// Fields without a table entry are skipped, so newer clients' fields never break decoding.
import { setKey } from '../../util/data-keys.js';
import { parseField, type Field, type Tables, type ScalarKind } from './schema.js';
import { SPECIAL } from './special.js';
import { Reader, WireError, WireType } from './wire.js';

const SCALAR_WIRE: Readonly<Record<ScalarKind, number>> = {
  string: WireType.Bytes, bytes: WireType.Bytes, bool: WireType.Varint,
  int32: WireType.Varint, int64: WireType.Varint, double: WireType.Fixed64,
};

const EMPTY = Buffer.alloc(0);

export class MessageDecoder {
  private readonly compiled = new Map<string, ReadonlyMap<number, Field>>();

  constructor(private readonly tables: Tables) {}

  decode(r: Reader, message: string): unknown {
    const special = SPECIAL[message];
    if (special) return special(r);
    const fields = this.fieldsOf(message);
    const out: Record<string, unknown> = {};
    while (!r.done) {
      const { field: num, wire } = r.tag();
      const field = fields.get(num);
      if (field) this.readField(r, field, wire, out);
      else r.skip(wire);
    }
    return out;
  }

  private readField(r: Reader, f: Field, wire: number, out: Record<string, unknown>): void {
    if (f.shape === 'map') {
      const [key, value] = this.mapEntry(r, f, wire);
      setKey((out[f.name] ??= {}) as Record<string, unknown>, key, value);
    } else if (f.shape === 'repeated') {
      const list = (out[f.name] ??= []) as unknown[];
      // Numeric repeated fields may arrive packed (one length-delimited run of values).
      if (f.scalar && wire === WireType.Bytes && SCALAR_WIRE[f.scalar] !== WireType.Bytes) {
        const packed = r.message();
        while (!packed.done) list.push(this.value(packed, f, SCALAR_WIRE[f.scalar]));
      } else {
        list.push(this.value(r, f, wire));
      }
    } else if (f.inline) {
      Object.assign(out, this.value(r, f, wire));
    } else {
      const v = this.value(r, f, wire);
      // Proto2 lets a field repeat with the last value winning, so a zero may also clear one.
      if (f.scalar && !f.keepZero && (v === '' || v === 0 || v === false)) delete out[f.name];
      else out[f.name] = v;
    }
  }

  /** One map entry {1: key, 2: value}; a missing value is the type's zero, as in Go. */
  private mapEntry(r: Reader, f: Field, wire: number): [string, unknown] {
    expectWire(f, wire, WireType.Bytes);
    const entry = r.message();
    let key = '';
    let value: unknown;
    while (!entry.done) {
      const t = entry.tag();
      if (t.field === 1 && t.wire === WireType.Bytes) key = entry.string();
      else if (t.field === 2) value = this.value(entry, f, t.wire);
      else entry.skip(t.wire);
    }
    return [key, value === undefined ? this.zero(f) : value];
  }

  private value(r: Reader, f: Field, wire: number): unknown {
    if (f.message) {
      expectWire(f, wire, WireType.Bytes);
      return this.decode(r.message(), f.message);
    }
    const kind = f.scalar!;
    expectWire(f, wire, SCALAR_WIRE[kind]);
    switch (kind) {
      case 'string': return r.string();
      case 'bytes': return r.bytes().toString('base64');
      case 'bool': return r.bool();
      case 'int32': return r.int32();
      case 'int64': return r.int64();
      case 'double': return r.double();
    }
  }

  private zero(f: Field): unknown {
    if (f.message) return this.decode(new Reader(EMPTY), f.message);
    return f.scalar === 'bool' ? false : f.scalar === 'string' || f.scalar === 'bytes' ? '' : 0;
  }

  private fieldsOf(message: string): ReadonlyMap<number, Field> {
    let fields = this.compiled.get(message);
    if (!fields) {
      const table = this.tables[message];
      // Tables are checked by tests to be closed, so a miss is our bug, not the client's.
      if (!table) throw new Error(`protobuf: no table for message ${message}`);
      fields = new Map(Object.entries(table).map(([num, spec]) => [Number(num), parseField(spec)]));
      this.compiled.set(message, fields);
    }
    return fields;
  }
}

function expectWire(f: Field, got: number, want: number): void {
  if (got !== want) throw new WireError(`proto: wrong wireType = ${got} for field ${f.name}`);
}
