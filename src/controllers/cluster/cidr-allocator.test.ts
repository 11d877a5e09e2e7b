import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CidrError } from '../../api/cidr.js';
import { CidrAllocator } from './cidr-allocator.js';

test('hands out /24s of the cluster CIDR in order, never twice', () => {
  const a = new CidrAllocator('10.42.0.0/16');
  assert.equal(a.capacity, 256);
  assert.equal(a.allocate(), '10.42.0.0/24');
  assert.equal(a.allocate(), '10.42.1.0/24');
  const seen = new Set(['10.42.0.0/24', '10.42.1.0/24']);
  for (let i = 2; i < 256; i++) {
    const c = a.allocate()!;
    assert.ok(!seen.has(c), c);
    seen.add(c);
  }
  assert.equal(a.allocate(), undefined);
});

test('occupied CIDRs (existing nodes) are skipped; released ones come back', () => {
  const a = new CidrAllocator('10.42.0.0/16');
  assert.ok(a.occupy('10.42.0.0/24'));
  assert.ok(a.occupy('10.42.2.0/24'));
  assert.equal(a.allocate(), '10.42.1.0/24');
  assert.equal(a.allocate(), '10.42.3.0/24');
  a.release('10.42.0.0/24');
  const rest: string[] = [];
  for (let c = a.allocate(); c; c = a.allocate()) rest.push(c);
  assert.ok(rest.includes('10.42.0.0/24'));
  assert.equal(rest.length, 256 - 3);
});

test('CIDRs outside the range or of another size are not occupied', () => {
  const a = new CidrAllocator('10.42.0.0/16');
  assert.equal(a.occupy('10.43.0.0/24'), false);
  assert.equal(a.occupy('10.42.0.0/25'), false);
  assert.equal(a.occupy('garbage'), false);
});

test('other sizes and bad input', () => {
  const a = new CidrAllocator('192.168.0.0/22', 26);
  assert.equal(a.capacity, 16);
  assert.equal(a.allocate(), '192.168.0.0/26');
  assert.equal(a.allocate(), '192.168.0.64/26');
  assert.throws(() => new CidrAllocator('10.0.0.0/24', 16), CidrError);
  assert.throws(() => new CidrAllocator('10.0.0/16'), CidrError);
});
