import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrStrictlyWithin, splitCidr } from './cidr.js';

const within = (a: string, b: string) => cidrStrictlyWithin(splitCidr(a)!, splitCidr(b)!);

test('splitCidr parses IPv4 and IPv6 and refuses the rest', () => {
  assert.deepEqual(splitCidr('10.1.2.3/8'), { ip: '10.1.2.3', prefix: 8, family: 4 });
  assert.deepEqual(splitCidr('2001:db8::/64'), { ip: '2001:db8::', prefix: 64, family: 6 });
  for (const bad of ['10.0.0.0', '10.0.0.0/33', '300.0.0.0/8', '10.0.0.0/8/1', 'x/8', '::/129']) assert.equal(splitCidr(bad), undefined, bad);
});

test('cidrStrictlyWithin: inside with a longer prefix only', () => {
  assert.ok(within('10.1.0.0/16', '10.0.0.0/8'));
  assert.ok(within('10.255.255.255/32', '10.0.0.0/8'));
  assert.ok(within('10.1.2.3/16', '10.0.0.0/8'), 'host bits of except do not matter');
  assert.ok(!within('10.0.0.0/8', '10.0.0.0/8'), 'equal is not strict');
  assert.ok(!within('10.0.0.0/7', '10.0.0.0/8'));
  assert.ok(!within('192.168.0.0/24', '10.0.0.0/8'));
  assert.ok(within('2001:db8:0:1::/80', '2001:db8::/32'));
  assert.ok(!within('10.0.0.0/24', '::/0'), 'families differ');
  assert.ok(within('1.2.3.0/24', '0.0.0.0/0'));
});
