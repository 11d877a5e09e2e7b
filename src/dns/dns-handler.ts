// One DNS query in, one response out: cluster names from the resolver, the rest (and the targets of
// ExternalName CNAMEs) through the forwarder. Cluster answers depend only on the question and the
// records, so their encoded form is kept until the records change (only the ID differs between
// two answers): a busy resolver answers a repeated question without decoding or building a message.
// A forwarded answer served from the forwarder's cache is encoded once per second of its age.
import { LruMap } from '../util/lru-map.js';
import type { ClusterRecords } from './cluster-records.js';
import type { Forwarder } from './forwarder.js';
import { encodeError, encodeResponse, MalformedQuery, parseQuery, questionKey, sizeLimit, type Query, type ResponseBody } from './message.js';
import { resolve, type ClusterAnswer, type ResolverConfig } from './resolver.js';

export type Transport = 'udp' | 'tcp';

const ENCODED_CACHE_SIZE = 10_000;

export class DnsHandler {
  private encoded = new LruMap<string, Buffer>(ENCODED_CACHE_SIZE);
  /** Encoded forwarded answers, per cached answer object (which changes as its TTLs count down). */
  private readonly encodedForwarded = new WeakMap<ResponseBody, Map<string, Buffer>>();
  private encodedGeneration = -1;

  constructor(private readonly records: ClusterRecords, private readonly cfg: ResolverConfig, private readonly forwarder: Forwarder) {}

  /** The response to a raw query; undefined when the message deserves none (not a query at all). */
  async handle(buf: Buffer, transport: Transport): Promise<Buffer | undefined> {
    if (this.encodedGeneration !== this.records.generation) {
      this.encoded = new LruMap(ENCODED_CACHE_SIZE);
      this.encodedGeneration = this.records.generation;
    }
    const key = questionKey(buf, transport);
    const cached = key === undefined ? undefined : this.encoded.get(key);
    if (cached) return withId(cached, buf.readUInt16BE(0));
    let query: Query;
    try {
      query = parseQuery(buf);
    } catch (err) {
      if (err instanceof MalformedQuery && err.id !== undefined) return encodeError(err.id, err.rcode);
      return undefined;
    }
    const limit = sizeLimit(query, transport);
    const { question } = query;
    const resolution = resolve(question, this.records, this.cfg);
    if (resolution.kind === 'answer' && !resolution.chase) {
      const out = encodeResponse(query, clusterBody(resolution), limit);
      if (key !== undefined) this.encoded.set(key, out);
      return out;
    }
    try {
      if (resolution.kind === 'forward') {
        const body = await this.forwarder.query(question.name, question.type, question.class);
        if (key === undefined) return encodeResponse(query, body, limit);
        let byKey = this.encodedForwarded.get(body);
        if (!byKey) this.encodedForwarded.set(body, (byKey = new Map()));
        const known = byKey.get(key);
        if (known) return withId(known, query.packet.id!);
        const out = encodeResponse(query, body, limit);
        byKey.set(key, out);
        return out;
      }
      const chased = await this.forwarder.query(resolution.chase!, question.type, question.class);
      return encodeResponse(query, { ...chased, answers: [...resolution.answers, ...chased.answers] }, limit);
    } catch {
      return encodeError(query.packet.id!, 'SERVFAIL', query);
    }
  }
}

function clusterBody(a: ClusterAnswer): ResponseBody {
  return { rcode: a.rcode, authoritative: true, answers: a.answers, authorities: a.authorities, additionals: a.additionals };
}

function withId(buf: Buffer, id: number): Buffer {
  const out = Buffer.from(buf);
  out.writeUInt16BE(id, 0);
  return out;
}
