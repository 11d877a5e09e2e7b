import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compile } from '../program.js';
import { toJson } from '../values.js';

const run = (expr: string) => toJson(compile(expr, []).evaluate({}));

// Upstream's documented results (library/ip.go, library/cidr.go).
const cases: [string, unknown][] = [
  ["isIP('127.0.0.1')", true],
  ["isIP('::1')", true],
  ["isIP('127.0.0.256')", false],
  ["isIP(':::1')", false],
  ["isIP('01.2.3.4')", false],
  ["isIP('fe80::1%eth0')", false],
  ["isIP('::ffff:1.2.3.4')", false],
  ["ip.isCanonical('127.0.0.1')", true],
  ["ip.isCanonical('::1')", true],
  ["ip.isCanonical('2001:db8::abc')", true],
  ["ip.isCanonical('2001:DB8::ABC')", false],
  ["ip.isCanonical('2001:db8:0:0:0:0:0:abc')", false],
  ["ip('127.0.0.1').family()", 4],
  ["ip('::1').family()", 6],
  ["ip('127.0.0.1').isUnspecified()", false],
  ["ip('0.0.0.0').isUnspecified()", true],
  ["ip('::').isUnspecified()", true],
  ["ip('127.0.0.1').isLoopback()", true],
  ["ip('192.168.0.1').isLoopback()", false],
  ["ip('::1').isLoopback()", true],
  ["ip('224.0.0.1').isLinkLocalMulticast()", true],
  ["ip('224.0.1.1').isLinkLocalMulticast()", false],
  ["ip('ff02::1').isLinkLocalMulticast()", true],
  ["ip('fd00::1').isLinkLocalMulticast()", false],
  ["ip('169.254.169.254').isLinkLocalUnicast()", true],
  ["ip('192.168.0.1').isLinkLocalUnicast()", false],
  ["ip('fe80::1').isLinkLocalUnicast()", true],
  ["ip('fd80::1').isLinkLocalUnicast()", false],
  ["ip('192.168.0.1').isGlobalUnicast()", true],
  ["ip('255.255.255.255').isGlobalUnicast()", false],
  ["ip('2001:db8::abc').isGlobalUnicast()", true],
  ["ip('ff00::1').isGlobalUnicast()", false],
  ["string(ip('127.0.0.1'))", '127.0.0.1'],
  ["string(ip('2001:db8:0:0:1:0:0:1'))", '2001:db8::1:0:0:1'],
  ["ip('::1') == ip('0:0:0:0:0:0:0:1')", true],
  ["isCIDR('192.168.0.0/16')", true],
  ["isCIDR('::1/128')", true],
  ["isCIDR('192.168.0.0/33')", false],
  ["isCIDR('::1/129')", false],
  ["cidr('192.168.0.0/24').containsIP(ip('192.168.0.1'))", true],
  ["cidr('192.168.0.0/24').containsIP(ip('192.168.1.1'))", false],
  ["cidr('192.168.0.0/24').containsIP('192.168.0.1')", true],
  ["cidr('192.168.0.0/24').containsIP('192.168.1.1')", false],
  ["cidr('2001:db8::/32').containsIP(ip('2001:db8::1'))", true],
  ["cidr('2001:db8::/32').containsIP('2001:dc8::1')", false],
  ["cidr('192.168.0.0/24').containsIP('::1')", false],
  ["cidr('192.168.0.0/24').containsCIDR(cidr('192.168.0.0/25'))", true],
  ["cidr('192.168.0.0/24').containsCIDR(cidr('192.168.0.0/23'))", false],
  ["cidr('192.168.0.0/24').containsCIDR('192.168.0.128/25')", true],
  ["cidr('2001:db8::/32').containsCIDR(cidr('2001:db8::/33'))", true],
  ["cidr('2001:db8::/32').containsCIDR('2001:db8::/31')", false],
  ["cidr('192.168.0.0/24').ip() == ip('192.168.0.0')", true],
  ["cidr('192.168.0.1/24').ip() == ip('192.168.0.1')", true],
  ["cidr('192.168.0.0/24').masked() == cidr('192.168.0.0/24')", true],
  ["cidr('192.168.0.1/24').masked() == cidr('192.168.0.0/24')", true],
  ["cidr('::1/128').masked() == cidr('::1/128')", true],
  ["cidr('2001:db8::1/32').masked() == cidr('2001:db8::/32')", true],
  ["cidr('192.168.0.0/24').prefixLength()", 24],
  ["string(cidr('192.168.0.0/24'))", '192.168.0.0/24'],
];

test('ip and cidr functions give upstream results', () => {
  for (const [expr, want] of cases) assert.deepEqual(run(expr), want, expr);
});

test('ip() and cidr() of bad text are errors as upstream', () => {
  assert.throws(() => run("ip('127.0.0.256')"), /IP Address "127.0.0.256" parse error during conversion from string/);
  assert.throws(() => run("ip('fe80::1%eth0')"), /zone value is not allowed/);
  assert.throws(() => run("ip('::ffff:1.2.3.4')"), /IPv4-mapped IPv6 address is not allowed/);
  assert.throws(() => run("cidr('192.168.0.0/33')"), /network address parse error during conversion from string/);
});
