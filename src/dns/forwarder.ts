// Names outside the cluster go to the node's own resolvers (the nameservers of --resolv-conf), as
// CoreDNS's `forward . /etc/resolv.conf` with `cache 30` in front: a query is sent over UDP from a
// fresh socket with a random ID (tried on each nameserver in turn), retried over TCP when the
// answer is truncated, and the answer is cached for its records' smallest TTL (a negative answer
// for its SOA's; at most 30 s), served with the TTLs counted down. Identical queries in flight share
// one upstream exchange.
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { randomInt } from 'node:crypto';
import * as packet from 'dns-packet';
import type { Answer, DecodedPacket, RecordType } from 'dns-packet';
import { LruMap } from '../util/lru-map.js';
import { MAX_UDP_SIZE, withLengthPrefix, type ResponseBody, type ResponseCode } from './message.js';

/** CoreDNS's default Corefile caches for at most 30 s. */
export const MAX_CACHE_TTL_S = 30;
const DNS_PORT = 53;

export interface ForwarderOptions {
  /** Upstream nameserver IPs, tried in order. */
  nameservers: string[];
  /** Per-attempt timeout (default 2 s). */
  timeoutMs?: number;
  /** Cached answers kept at most (default 10,000). */
  cacheSize?: number;
  /** Upstream port (53; tests use another). */
  port?: number;
  now?: () => number;
}

export class UpstreamError extends Error {}

interface CacheEntry {
  body: ResponseBody;
  storedAt: number;
  expiresAt: number;
  /** The body with its TTLs counted down, for `agedBy` whole seconds: one object per second of age. */
  aged?: ResponseBody;
  agedBy?: number;
}

export class Forwarder {
  private readonly cache: LruMap<string, CacheEntry>;
  private readonly inFlight = new Map<string, Promise<ResponseBody>>();
  private readonly now: () => number;
  /** Upstream exchanges made (cache misses), for tests and metrics. */
  exchanges = 0;

  constructor(private readonly o: ForwarderOptions) {
    this.cache = new LruMap(o.cacheSize ?? 10_000);
    this.now = o.now ?? Date.now;
  }

  /**
   * The upstream answer to one question, from the cache while it is fresh. A cached answer is the
   * same object until its TTLs tick down a second, so callers may key derived data on it.
   */
  async query(name: string, type: RecordType, klass = 'IN'): Promise<ResponseBody> {
    const key = `${name.toLowerCase()}|${type}|${klass}`;
    const cached = this.cached(key);
    if (cached) return cached;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.exchange(name, type, klass).then(body => {
        this.store(key, body);
        return body;
      }).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private cached(key: string): ResponseBody | undefined {
    const e = this.cache.get(key);
    if (!e) return undefined;
    const now = this.now();
    if (now >= e.expiresAt) return undefined;
    const elapsed = Math.floor((now - e.storedAt) / 1000);
    if (!elapsed) return e.body;
    if (e.agedBy !== elapsed) {
      const age = (rs: Answer[]) => rs.map(r => ('ttl' in r && r.ttl !== undefined ? { ...r, ttl: Math.max(0, r.ttl - elapsed) } : r)) as Answer[];
      e.aged = { ...e.body, answers: age(e.body.answers), authorities: age(e.body.authorities), additionals: age(e.body.additionals) };
      e.agedBy = elapsed;
    }
    return e.aged;
  }

  private store(key: string, body: ResponseBody): void {
    const ttl = cacheTtl(body);
    if (ttl <= 0) return;
    const now = this.now();
    this.cache.set(key, { body, storedAt: now, expiresAt: now + ttl * 1000 });
  }

  private async exchange(name: string, type: RecordType, klass: string): Promise<ResponseBody> {
    if (!this.o.nameservers.length) throw new UpstreamError('no upstream nameservers (the node\'s resolv.conf names none)');
    this.exchanges++;
    const errors: string[] = [];
    for (const server of this.o.nameservers) {
      try {
        let reply = await this.udp(server, name, type, klass);
        if (reply.flag_tc) reply = await this.tcp(server, name, type, klass);
        return bodyOf(reply);
      } catch (err) {
        errors.push(`${server}: ${(err as Error).message}`);
      }
    }
    throw new UpstreamError(`no upstream answered ${type} ${name}: ${errors.join('; ')}`);
  }

  private request(name: string, type: RecordType, klass: string): { id: number; buf: Buffer } {
    const id = randomInt(0, 65536);
    const buf = packet.encode({
      type: 'query', id, flags: packet.RECURSION_DESIRED, questions: [{ name, type, class: klass as 'IN' }],
      additionals: [{ name: '.', type: 'OPT', udpPayloadSize: MAX_UDP_SIZE, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }],
    });
    return { id, buf };
  }

  private udp(server: string, name: string, type: RecordType, klass: string): Promise<DecodedPacket> {
    const { id, buf } = this.request(name, type, klass);
    const socket = createSocket(server.includes(':') ? 'udp6' : 'udp4');
    return new Promise<DecodedPacket>((resolve, reject) => {
      const timer = setTimeout(() => reject(new UpstreamError('timed out')), this.o.timeoutMs ?? 2000);
      socket.on('error', reject);
      socket.on('message', (msg, rinfo) => {
        if (rinfo.address !== server) return;
        let reply: DecodedPacket;
        try {
          reply = packet.decode(msg);
        } catch {
          return;
        }
        // Anything that is not the answer to this very question is ignored (spoofing, strays).
        if (reply.id !== id || !sameQuestion(reply, name, type)) return;
        clearTimeout(timer);
        resolve(reply);
      });
      socket.send(buf, this.o.port ?? DNS_PORT, server, err => err && reject(err));
    }).finally(() => socket.close());
  }

  private tcp(server: string, name: string, type: RecordType, klass: string): Promise<DecodedPacket> {
    const { id, buf } = this.request(name, type, klass);
    return new Promise<DecodedPacket>((resolve, reject) => {
      const sock = connect({ host: server, port: this.o.port ?? DNS_PORT });
      const timer = setTimeout(() => sock.destroy(new UpstreamError('timed out over TCP')), this.o.timeoutMs ?? 2000);
      let data = Buffer.alloc(0);
      sock.on('connect', () => sock.write(withLengthPrefix(buf)));
      sock.on('data', d => {
        data = Buffer.concat([data, d]);
        if (data.length < 2 || data.length < 2 + data.readUInt16BE(0)) return;
        clearTimeout(timer);
        sock.end();
        try {
          const reply = packet.decode(data.subarray(2, 2 + data.readUInt16BE(0)));
          if (reply.id !== id || !sameQuestion(reply, name, type)) reject(new UpstreamError('mismatched answer over TCP'));
          else resolve(reply);
        } catch (err) {
          reject(new UpstreamError(`undecodable answer over TCP: ${(err as Error).message}`));
        }
      });
      sock.on('error', err => {
        clearTimeout(timer);
        reject(err);
      });
      sock.on('close', () => reject(new UpstreamError('connection closed before an answer')));
    });
  }
}

function sameQuestion(reply: DecodedPacket, name: string, type: RecordType): boolean {
  const q = reply.questions?.[0];
  return !!q && q.name.toLowerCase() === name.toLowerCase().replace(/\.$/, '') && q.type === type;
}

function bodyOf(reply: DecodedPacket): ResponseBody {
  const rcode = ((reply as { rcode?: string }).rcode ?? 'NOERROR') as ResponseCode;
  return {
    rcode: rcode in { NOERROR: 1, FORMERR: 1, SERVFAIL: 1, NXDOMAIN: 1, NOTIMP: 1, REFUSED: 1 } ? rcode : 'SERVFAIL',
    authoritative: false,
    answers: reply.answers ?? [],
    authorities: reply.authorities ?? [],
    additionals: (reply.additionals ?? []).filter(a => a.type !== 'OPT'),
  };
}

/** Seconds an answer may be cached: its smallest TTL, a negative answer its SOA's (RFC 2308). */
export function cacheTtl(body: ResponseBody): number {
  if (body.rcode !== 'NOERROR' && body.rcode !== 'NXDOMAIN') return 0;
  let ttl: number | undefined;
  if (body.answers.length) {
    for (const r of body.answers) if ('ttl' in r) ttl = Math.min(ttl ?? Infinity, r.ttl ?? 0);
  } else {
    const soa = body.authorities.find(r => r.type === 'SOA') as Extract<Answer, { type: 'SOA' }> | undefined;
    if (soa) ttl = Math.min(soa.ttl ?? 0, soa.data.minimum ?? 0);
  }
  return Math.min(MAX_CACHE_TTL_S, ttl ?? 0);
}
