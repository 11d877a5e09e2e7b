// Upstream's ip and cidr libraries (library/ip.go, library/cidr.go) with Go netip's parsing rules:
// no leading zeros in IPv4, no zones, no IPv4-mapped IPv6; IPv6 printed per RFC 5952.
import { celFunc, celMethod, CelScalar, type CelFunc } from '@bufbuild/cel';
import type { ReflectMessage } from '@bufbuild/protobuf/reflect';
import { opaqueType } from '../opaque.js';
import { succeeds } from '../../../util/succeeds.js';

const { STRING, BOOL, INT } = CelScalar;

export interface Addr {
  family: 4 | 6;
  /** The address as a 32- or 128-bit number. */
  value: bigint;
}

export interface Prefix {
  addr: Addr;
  bits: number;
}

export class AddrParseError extends Error {}

function parseV4(s: string): bigint {
  const parts = s.split('.');
  if (parts.length !== 4) throw new AddrParseError(`ParseAddr(${JSON.stringify(s)}): IPv4 address too short`);
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) throw new AddrParseError(`ParseAddr(${JSON.stringify(s)}): unexpected character`);
    if (p.length > 1 && p.startsWith('0')) throw new AddrParseError(`ParseAddr(${JSON.stringify(s)}): IPv4 field has octet with leading zero`);
    const n = Number(p);
    if (n > 255) throw new AddrParseError(`ParseAddr(${JSON.stringify(s)}): IPv4 field has value >255`);
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseV6(s: string): bigint {
  const bad = (why: string) => new AddrParseError(`ParseAddr(${JSON.stringify(s)}): ${why}`);
  const halves = s.split('::');
  if (halves.length > 2) throw bad('multiple :: in address');
  const groups = (h: string): bigint[] => {
    if (h === '') return [];
    const out: bigint[] = [];
    const fields = h.split(':');
    fields.forEach((f, i) => {
      if (i === fields.length - 1 && f.includes('.')) {
        const v4 = parseV4(f);
        out.push(v4 >> 16n, v4 & 0xffffn);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(f)) out.push(BigInt(`0x${f}`));
      else throw bad('each colon-separated field must have at least one digit');
    });
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) throw bad('address string too short');
  return [...head, ...Array<bigint>(halves.length === 2 ? missing : 0).fill(0n), ...tail].reduce((v, g) => (v << 16n) | g, 0n);
}

export function parseAddr(s: string): Addr {
  if (s.includes('%')) throw new AddrParseError('IP address with zone value is not allowed');
  if (s.includes(':')) {
    const value = parseV6(s);
    if (value >> 32n === 0xffffn) throw new AddrParseError('IPv4-mapped IPv6 address is not allowed');
    return { family: 6, value };
  }
  return { family: 4, value: parseV4(s) };
}

export function formatAddr(a: Addr): string {
  if (a.family === 4) return [24n, 16n, 8n, 0n].map(sh => String((a.value >> sh) & 0xffn)).join('.');
  const g = Array.from({ length: 8 }, (_, i) => Number((a.value >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952: the longest run (first on a tie) of two or more zero groups becomes '::'.
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = (xs: number[]) => xs.map(x => x.toString(16)).join(':');
  return best < 0 ? hex(g) : `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

const width = (f: 4 | 6) => (f === 4 ? 32 : 128);

export function parsePrefix(s: string): Prefix {
  const slash = s.lastIndexOf('/');
  if (slash < 0) throw new AddrParseError(`netip.ParsePrefix(${JSON.stringify(s)}): no '/'`);
  const addr = parseAddr(s.slice(0, slash));
  const bitsText = s.slice(slash + 1);
  const bits = Number(bitsText);
  if (!/^\d+$/.test(bitsText) || (bitsText.length > 1 && bitsText.startsWith('0')) || bits > width(addr.family)) {
    throw new AddrParseError(`netip.ParsePrefix(${JSON.stringify(s)}): bad bits after slash: ${JSON.stringify(bitsText)}`);
  }
  return { addr, bits };
}

function mask(a: Addr, bits: number): bigint {
  const w = BigInt(width(a.family));
  const hostBits = w - BigInt(bits);
  return (a.value >> hostBits) << hostBits;
}

export function prefixContains(p: Prefix, a: Addr): boolean {
  return p.addr.family === a.family && mask(a, p.bits) === mask(p.addr, p.bits);
}

const inRange = (a: Addr, family: 4 | 6, base: bigint, bits: number) =>
  a.family === family && prefixContains({ addr: { family, value: base }, bits }, a);

const isLoopback = (a: Addr) => inRange(a, 4, 0x7f000000n, 8) || (a.family === 6 && a.value === 1n);
const isMulticast = (a: Addr) => inRange(a, 4, 0xe0000000n, 4) || inRange(a, 6, 0xffn << 120n, 8);
const isLinkLocalUnicast = (a: Addr) => inRange(a, 4, 0xa9fe0000n, 16) || inRange(a, 6, 0xfe80n << 112n, 10);
const isLinkLocalMulticast = (a: Addr) => inRange(a, 4, 0xe0000000n, 24) || inRange(a, 6, 0xff02n << 112n, 16);
const isUnspecified = (a: Addr) => a.value === 0n;
const isGlobalUnicast = (a: Addr) =>
  !isUnspecified(a) && !isLoopback(a) && !isMulticast(a) && !isLinkLocalUnicast(a) && !(a.family === 4 && a.value === 0xffffffffn);

const IPType = opaqueType<Addr>('net.IP');
const CIDRType = opaqueType<Prefix>('net.CIDR');
const IP = IPType.celType;
const CIDR = CIDRType.celType;

const makeIP = (a: Addr) => IPType.make(formatAddr(a), a);
const formatPrefix = (p: Prefix) => `${formatAddr(p.addr)}/${p.bits}`;
const makeCIDR = (p: Prefix) => CIDRType.make(formatPrefix(p), p);
const ip = (v: ReflectMessage) => IPType.payload(v);
const cidr = (v: ReflectMessage) => CIDRType.payload(v);

function ipFromString(s: string): Addr {
  try {
    return parseAddr(s);
  } catch (err) {
    throw new Error(`IP Address ${JSON.stringify(s)} parse error during conversion from string: ${(err as Error).message}`);
  }
}

function cidrFromString(s: string): Prefix {
  try {
    return parsePrefix(s);
  } catch (err) {
    throw new Error(`network address parse error during conversion from string: ${(err as Error).message}`);
  }
}

function containsCIDR(outer: Prefix, inner: Prefix): boolean {
  return inner.bits >= outer.bits && prefixContains(outer, inner.addr);
}

export const ipLibrary: CelFunc[] = [
  celFunc('ip', [STRING], IP, s => makeIP(ipFromString(s))),
  celFunc('isIP', [STRING], BOOL, s => succeeds(() => parseAddr(s))),
  celFunc('ip.isCanonical', [STRING], BOOL, s => formatAddr(ipFromString(s)) === s),
  celFunc('string', [IP], STRING, v => formatAddr(ip(v))),
  celMethod('family', IP, [], INT, function () { return BigInt(ip(this).family); }),
  celMethod('isUnspecified', IP, [], BOOL, function () { return isUnspecified(ip(this)); }),
  celMethod('isLoopback', IP, [], BOOL, function () { return isLoopback(ip(this)); }),
  celMethod('isLinkLocalMulticast', IP, [], BOOL, function () { return isLinkLocalMulticast(ip(this)); }),
  celMethod('isLinkLocalUnicast', IP, [], BOOL, function () { return isLinkLocalUnicast(ip(this)); }),
  celMethod('isGlobalUnicast', IP, [], BOOL, function () { return isGlobalUnicast(ip(this)); }),
];

export const cidrLibrary: CelFunc[] = [
  celFunc('cidr', [STRING], CIDR, s => makeCIDR(cidrFromString(s))),
  celFunc('isCIDR', [STRING], BOOL, s => succeeds(() => parsePrefix(s))),
  celFunc('string', [CIDR], STRING, v => formatPrefix(cidr(v))),
  celMethod('containsIP', CIDR, [IP], BOOL, function (a) { return prefixContains(cidr(this), ip(a)); }),
  celMethod('containsIP', CIDR, [STRING], BOOL, function (s) { return prefixContains(cidr(this), ipFromString(s)); }),
  celMethod('containsCIDR', CIDR, [CIDR], BOOL, function (c) { return containsCIDR(cidr(this), cidr(c)); }),
  celMethod('containsCIDR', CIDR, [STRING], BOOL, function (s) { return containsCIDR(cidr(this), cidrFromString(s)); }),
  celMethod('ip', CIDR, [], IP, function () { return makeIP(cidr(this).addr); }),
  celMethod('masked', CIDR, [], CIDR, function () {
    const p = cidr(this);
    return makeCIDR({ addr: { family: p.addr.family, value: mask(p.addr, p.bits) }, bits: p.bits });
  }),
  celMethod('prefixLength', CIDR, [], INT, function () { return BigInt(cidr(this).bits); }),
];
