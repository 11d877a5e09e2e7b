// CIDR text as the API carries it ("10.0.0.0/8", "2001:db8::/64"): parsing and containment, shared
// by validation (ipBlock except within cidr) and the network policy enforcer.
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
