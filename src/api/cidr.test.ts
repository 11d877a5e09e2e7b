import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrContains, CidrError, cidrStrictlyWithin, intToIp, ipToInt, nthAddress, parseCidr, splitCidr } from './cidr.js';

test('a CIDR parses to its network, prefix and size', () => {
  assert.deepEqual(parseCidr('10.43.0.0/16'), { base: ipToInt('10.43.0.0'), prefix: 16, size: 65536 });
  assert.deepEqual(parseCidr('10.42.7.9/24'), { base: ipToInt('10.42.7.0'), prefix: 24, size: 256 }, 'host bits cleared');
  assert.equal(parseCidr('192.168.1.1/32').size, 1);
  assert.equal(nthAddress(parseCidr('10.43.0.0/16'), 1), '10.43.0.1');
  assert.equal(intToIp(ipToInt('255.0.128.7')!), '255.0.128.7');
});

test('bad CIDRs are CidrErrors naming the input', () => {
  for (const bad of ['10.0.0.0/99', '10.0.0/16', '10.0.0.256/16', '10.0.0.0', '10.0.0.0/4', 'x/8', '10.0.0.0/-1']) {
    assert.throws(() => parseCidr(bad), (err: unknown) => err instanceof CidrError && err.message === `invalid IPv4 CIDR "${bad}"`, bad);
  }
});

test('containment', () => {
  const c = parseCidr('10.43.0.0/16');
  assert.equal(cidrContains(c, '10.43.255.255'), true);
  assert.equal(cidrContains(c, '10.44.0.0'), false);
  assert.equal(cidrContains(c, 'nonsense'), false);
});

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
