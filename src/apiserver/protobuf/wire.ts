// The protobuf wire format: a Reader for tags, varints, fixed 32/64-bit values and
// length-delimited fields, each bounds-checked so a truncated body fails cleanly instead of reading
// past its end (unknown fields are skipped by wire type, as every protobuf reader must), and a
// Writer for the few proto3 scalar kinds and embedded messages the server encodes itself.

/** A body that is not well-formed protobuf (truncated, bad varint, unknown wire type). */
export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

export const WireType = { Varint: 0, Fixed64: 1, Bytes: 2, Fixed32: 5 } as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

export interface Tag {
  field: number;
  wire: number;
}

export class Reader {
  private pos: number;
  private readonly end: number;

  constructor(private readonly buf: Buffer, start = 0, end = buf.length) {
    this.pos = start;
    this.end = end;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  tag(): Tag {
    const key = this.uint();
    const field = Math.floor(key / 8);
    if (field === 0) throw new WireError('proto: illegal tag 0');
    return { field, wire: key % 8 };
  }

  /** An unsigned varint as a number; exact up to 2^53, which covers tags, lengths and int32. */
  uint(): number {
    return Number(this.varint());
  }

  int32(): number {
    return Number(BigInt.asIntN(32, this.varint()));
  }

  int64(): number {
    return Number(BigInt.asIntN(64, this.varint()));
  }

  bool(): boolean {
    return this.varint() !== 0n;
  }

  double(): number {
    const at = this.take(8);
    return this.buf.readDoubleLE(at);
  }

  /** A length-delimited field's bytes (a view, not a copy). */
  bytes(): Buffer {
    const len = this.uint();
    const at = this.take(len);
    return this.buf.subarray(at, at + len);
  }

  string(): string {
    return this.bytes().toString('utf8');
  }

  /** A reader over an embedded message, sharing this buffer. */
  message(): Reader {
    const len = this.uint();
    const at = this.take(len);
    return new Reader(this.buf, at, at + len);
  }

  skip(wire: number): void {
    switch (wire) {
      case WireType.Varint: this.varint(); return;
      case WireType.Fixed64: this.take(8); return;
      case WireType.Bytes: this.take(this.uint()); return;
      case WireType.Fixed32: this.take(4); return;
      default: throw new WireError(`proto: illegal wireType ${wire}`);
    }
  }

  /**
   * A varint of up to 10 bytes, as 64 unsigned bits. Most varints are one or two bytes, so the
   * first four are gathered as a plain number and BigInt is only used for longer ones (negative
   * int32/int64 values always take ten bytes).
   */
  private varint(): bigint {
    let small = 0;
    for (let i = 0; i < 4; i++) {
      const b = this.byte();
      small += (b & 0x7f) * 2 ** (7 * i);
      if (b < 0x80) return BigInt(small);
    }
    let big = BigInt(small);
    for (let shift = 28n; shift < 70n; shift += 7n) {
      const b = this.byte();
      big |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, big);
    }
    throw new WireError('proto: integer overflow');
  }

  private byte(): number {
    if (this.pos >= this.end) throw new WireError('unexpected EOF');
    return this.buf[this.pos++];
  }

  /** Claims `n` bytes and returns where they start. */
  private take(n: number): number {
    if (n < 0 || this.pos + n > this.end) throw new WireError('unexpected EOF');
    const at = this.pos;
    this.pos += n;
    return at;
  }
}

/**
 * Builds one message. Scalars follow proto3: a zero value (empty string, false, 0) is not written.
 * An embedded message is always written, since its presence is what a reader sees (an empty
 * `items` schema still means "one schema").
 */
export class Writer {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  string(field: number, value: string | undefined): this {
    if (!value) return this;
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }

  /** A repeated string: every element is written, empty ones too. */
  strings(field: number, values: readonly string[] | undefined): this {
    for (const v of values ?? []) this.bytes(field, Buffer.from(v, 'utf8'), true);
    return this;
  }

  bool(field: number, value: boolean | undefined): this {
    if (!value) return this;
    return this.key(field, WireType.Varint).push(varintBytes(1n));
  }

  /** A bool that is one case of a oneof, where even `false` must be written to be seen. */
  oneofBool(field: number, value: boolean): this {
    return this.key(field, WireType.Varint).push(varintBytes(value ? 1n : 0n));
  }

  int64(field: number, value: number | undefined): this {
    if (!value) return this;
    return this.key(field, WireType.Varint).push(varintBytes(BigInt.asUintN(64, BigInt(Math.trunc(value)))));
  }

  double(field: number, value: number | undefined): this {
    if (!value) return this;
    const b = Buffer.alloc(8);
    b.writeDoubleLE(value);
    return this.key(field, WireType.Fixed64).push(b);
  }

  message(field: number, message: Writer): this {
    return this.bytes(field, message.finish(), true);
  }

  finish(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }

  private bytes(field: number, value: Buffer, always = false): this {
    if (!value.length && !always) return this;
    return this.key(field, WireType.Bytes).push(varintBytes(BigInt(value.length))).push(value);
  }

  private key(field: number, wire: WireType): this {
    return this.push(varintBytes(BigInt(field * 8 + wire)));
  }

  private push(b: Buffer): this {
    this.chunks.push(b);
    this.size += b.length;
    return this;
  }
}

function varintBytes(n: bigint): Buffer {
  const out: number[] = [];
  while (n > 0x7fn) {
    out.push(Number(n & 0x7fn) | 0x80);
    n >>= 7n;
  }
  out.push(Number(n));
  return Buffer.from(out);
}
