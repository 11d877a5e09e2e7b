// CIDRs, one parser for all: the API's text form ("10.0.0.0/8", "2001:db8::/64") split and compared
// for validation (ipBlock except within cidr) and the network policy enforcer, and IPv4 ranges as
// unsigned 32-bit integers for the service IP range, the cluster's pod range split per node and a
// node's pod CIDR.
import { BlockList } from 'node:net';
import { isCIDR, isIPv4 } from './validation/names.js';

export interface CidrParts {
  ip: string;
  prefix: number;
  family: 4 | 6;
}

/** The parts of a CIDR, or undefined when the text is not one. */
export function splitCidr(text: string): CidrParts | undefined {
  if (!isCIDR(text)) return undefined;
  const [ip, bits] = text.split('/');
  return { ip, prefix: Number(bits), family: isIPv4(ip) ? 4 : 6 };
}

/**
 * Whether `inner` is a strict subset of `outer` (upstream's ipBlock except rule: same family, a longer
 * prefix, and its network inside outer's). With a longer prefix, inner's network address and any
 * address of it share the leading `outer.prefix` bits, so checking inner's own address suffices.
 */
export function cidrStrictlyWithin(inner: CidrParts, outer: CidrParts): boolean {
  if (inner.family !== outer.family || inner.prefix <= outer.prefix) return false;
  const type = outer.family === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  list.addSubnet(outer.ip, outer.prefix, type);
  return list.check(inner.ip, type);
}

export class CidrError extends Error {}

export interface Cidr {
  base: number; // network address as an unsigned 32-bit integer
  prefix: number; // leading bits of the network
  size: number; // number of addresses
}

/**
 * Parses "a.b.c.d/n" to its network (host bits cleared). By default ranges wider than /8 are
 * refused: no service or pod range is that large (a /24 per node leaves at most 2^16 nodes,
 * upstream's limit); client ranges (a firewall's) may be anything down to /0.
 */
export function parseCidr(text: string, minPrefix = 8): Cidr {
  const parts = splitCidr(text);
  const ip = parts?.family === 4 ? ipToInt(parts.ip) : undefined;
  const prefix = parts?.prefix ?? NaN;
  if (ip === undefined || !(prefix >= minPrefix && prefix <= 32)) throw new CidrError(`invalid IPv4 CIDR "${text}"`);
  const size = 2 ** (32 - prefix);
  return { base: ip - (ip % size), prefix, size };
}

export function ipToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

export function intToIp(n: number): string {
  return [24, 16, 8, 0].map(s => Math.floor(n / 2 ** s) % 256).join('.');
}

export function cidrContains(c: Cidr, ip: string): boolean {
  const n = ipToInt(ip);
  return n !== undefined && n >= c.base && n < c.base + c.size;
}

/** The n-th address of a range (1 = first usable, as the `kubernetes` Service gets). */
export function nthAddress(c: Cidr, n: number): string {
  return intToIp(c.base + n);
}
