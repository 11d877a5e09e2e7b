import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrContains, CidrError, intToIp, ipToInt, nthAddress, parseCidr } from './cidr.js';

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
