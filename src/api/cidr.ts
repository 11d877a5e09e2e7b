// IPv4 addresses and CIDR ranges as unsigned 32-bit integers: the service IP range, the cluster's
// pod range split per node, a node's pod CIDR. IPv4 only.

export class CidrError extends Error {}

export interface Cidr {
  base: number; // network address as an unsigned 32-bit integer
  prefix: number; // leading bits of the network
  size: number; // number of addresses
}

/**
 * Parses "a.b.c.d/n" to its network (host bits cleared). Ranges wider than /8 are refused: no
 * service or pod range is that large (a /24 per node leaves at most 2^16 nodes, upstream's limit).
 */
export function parseCidr(text: string): Cidr {
  const m = /^([\d.]+)\/(\d+)$/.exec(text);
  const ip = m ? ipToInt(m[1]) : undefined;
  const prefix = m ? Number(m[2]) : NaN;
  if (ip === undefined || !(prefix >= 8 && prefix <= 32)) throw new CidrError(`invalid IPv4 CIDR "${text}"`);
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
