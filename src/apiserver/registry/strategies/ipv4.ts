// IPv4 CIDR arithmetic for the service IP allocator.

export interface Cidr {
  base: number; // network address as an unsigned 32-bit integer
  size: number; // number of addresses
}

export function parseCidr(text: string): Cidr {
  const m = text.match(/^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/);
  if (!m) throw new Error(`invalid IPv4 CIDR "${text}"`);
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some(o => o > 255) || bits > 32 || bits < 8) throw new Error(`invalid IPv4 CIDR "${text}"`);
  const size = 2 ** (32 - bits);
  const ip = ipToInt(octets.join('.'))!;
  return { base: ip - (ip % size), size };
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
