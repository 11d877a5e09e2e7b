import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Reader, WireError, Writer } from './wire.js';

const bytes = (...b: number[]) => Buffer.from(b);

test('varints: one byte, multi-byte, and 64-bit values', () => {
  assert.equal(new Reader(bytes(0x01)).uint(), 1);
  assert.equal(new Reader(bytes(0xac, 0x02)).uint(), 300);
  // 2^35 needs six bytes, past the small-number fast path.
  assert.equal(new Reader(bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x01)).int64(), 2 ** 35);
});

test('negative int32 and int64 arrive as ten-byte two\'s complement varints', () => {
  const minusOne = bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
  assert.equal(new Reader(minusOne).int32(), -1);
  assert.equal(new Reader(minusOne).int64(), -1);
});

test('a varint longer than ten bytes is rejected', () => {
  const r = new Reader(Buffer.alloc(11, 0xff));
  assert.throws(() => r.uint(), WireError);
});

test('tags split into field number and wire type', () => {
  assert.deepEqual(new Reader(bytes(0x12)).tag(), { field: 2, wire: 2 });
  assert.deepEqual(new Reader(bytes(0x88, 0x01)).tag(), { field: 17, wire: 0 });
  assert.throws(() => new Reader(bytes(0x02)).tag(), /illegal tag 0/);
});

test('length-delimited fields, doubles and embedded messages stay inside their bounds', () => {
  const r = new Reader(bytes(0x03, 0x61, 0x62, 0x63, 0x02, 0x08, 0x05, 0x09));
  assert.equal(r.string(), 'abc');
  const sub = r.message();
  assert.deepEqual(sub.tag(), { field: 1, wire: 0 });
  assert.equal(sub.uint(), 5);
  assert.ok(sub.done);
  assert.ok(!r.done);
  const d = Buffer.alloc(8);
  d.writeDoubleLE(1.5);
  assert.equal(new Reader(d).double(), 1.5);
});

test('skip passes over every wire type', () => {
  const r = new Reader(bytes(
    0x96, 0x01, // varint
    1, 2, 3, 4, 5, 6, 7, 8, // fixed64
    0x02, 0xaa, 0xbb, // length-delimited
    1, 2, 3, 4, // fixed32
    0x07,
  ));
  r.skip(0);
  r.skip(1);
  r.skip(2);
  r.skip(5);
  assert.equal(r.uint(), 7);
  assert.throws(() => new Reader(bytes(0)).skip(3), /illegal wireType 3/);
});

test('reading past the end is unexpected EOF', () => {
  assert.throws(() => new Reader(bytes(0x80)).uint(), /unexpected EOF/);
  assert.throws(() => new Reader(bytes(0x05, 0x61)).string(), /unexpected EOF/);
  assert.throws(() => new Reader(bytes(1, 2, 3)).skip(1), /unexpected EOF/);
});

test('the Writer writes hand-checked bytes: tags, varints, strings, doubles and embedded messages', () => {
  const inner = new Writer().int64(1, 300);
  const out = new Writer().string(1, 'abc').bool(2, true).double(3, 1.5).message(4, inner).finish();
  const d = Buffer.alloc(8);
  d.writeDoubleLE(1.5);
  assert.deepEqual(out, Buffer.concat([bytes(0x0a, 3, 0x61, 0x62, 0x63, 0x10, 1, 0x19), d, bytes(0x22, 3, 0x08, 0xac, 0x02)]));
});

test('proto3 zero values are left out, but an empty message and a oneof false are written', () => {
  assert.equal(new Writer().string(1, '').bool(2, false).int64(3, 0).double(4, 0).string(5, undefined).finish().length, 0);
  assert.deepEqual(new Writer().message(1, new Writer()).finish(), bytes(0x0a, 0));
  assert.deepEqual(new Writer().oneofBool(2, false).finish(), bytes(0x10, 0));
  // A repeated string keeps its empty elements: their position is data.
  assert.deepEqual(new Writer().strings(1, ['a', '']).finish(), bytes(0x0a, 1, 0x61, 0x0a, 0));
});

test('Writer output reads back with the Reader, including negative and large int64s and field numbers past 15', () => {
  const r = new Reader(new Writer().int64(31, -1).int64(2, 2 ** 40).string(300, 'é').finish());
  assert.deepEqual(r.tag(), { field: 31, wire: 0 });
  assert.equal(r.int64(), -1);
  assert.deepEqual(r.tag(), { field: 2, wire: 0 });
  assert.equal(r.int64(), 2 ** 40);
  assert.deepEqual(r.tag(), { field: 300, wire: 2 });
  assert.equal(r.string(), 'é');
  assert.ok(r.done);
});
