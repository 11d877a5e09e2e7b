// DNS messages on the wire (through dns-packet): reading a query — its one question and its EDNS0
// buffer size — and writing a response (names compressed) that fits: over UDP at most the client's advertised size
// (512 bytes without EDNS0), dropping additional, then authority, then answer records until it
// does and setting TC so the client retries over TCP, as RFC 1035 / 6891 ask.
import * as packet from 'dns-packet';
import type { Answer, DecodedPacket, OptAnswer, RecordType } from 'dns-packet';
import { compressNames } from './compress.js';

export const MIN_UDP_SIZE = 512;
/** What this server advertises and accepts at most over UDP (as CoreDNS's default). */
export const MAX_UDP_SIZE = 4096;
const MAX_TCP_SIZE = 65535;

const RCODES = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
export type ResponseCode = keyof typeof RCODES;

export interface Query {
  packet: DecodedPacket;
  question: { name: string; type: RecordType; class: string };
  /** The EDNS0 OPT record of the query, if any. */
  opt?: OptAnswer;
}

export interface ResponseBody {
  rcode: ResponseCode;
  authoritative: boolean;
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
}

export class MalformedQuery extends Error {
  constructor(message: string, readonly id: number | undefined, readonly rcode: ResponseCode) {
    super(message);
  }
}

/** Decodes a query; a message that is not one query with one question is a MalformedQuery. */
export function parseQuery(buf: Buffer): Query {
  const id = buf.length >= 2 ? buf.readUInt16BE(0) : undefined;
  let p: DecodedPacket;
  try {
    p = packet.decode(buf);
  } catch (err) {
    throw new MalformedQuery(`undecodable message: ${(err as Error).message}`, buf.length >= 12 ? id : undefined, 'FORMERR');
  }
  if (p.type !== 'query') throw new MalformedQuery('not a query', undefined, 'FORMERR');
  if ((p as { opcode?: string }).opcode !== 'QUERY') throw new MalformedQuery('only standard queries are served', id, 'NOTIMP');
  if (p.questions?.length !== 1) throw new MalformedQuery('a query must have exactly one question', id, 'FORMERR');
  const q = p.questions[0];
  const opt = p.additionals?.find((a): a is OptAnswer => a.type === 'OPT');
  return { packet: p, question: { name: q.name, type: q.type, class: q.class ?? 'IN' }, opt };
}

/** The largest response the client takes over this transport. */
export function sizeLimit(query: Query | undefined, transport: 'udp' | 'tcp'): number {
  if (transport === 'tcp') return MAX_TCP_SIZE;
  const advertised = query?.opt?.udpPayloadSize ?? MIN_UDP_SIZE;
  return Math.min(MAX_UDP_SIZE, Math.max(MIN_UDP_SIZE, advertised));
}

/** Encodes the response to `query`, truncated to `limit` bytes with TC set if it does not fit. */
export function encodeResponse(query: Query, body: ResponseBody, limit: number): Buffer {
  const p = query.packet;
  const opt: OptAnswer[] = query.opt ? [{ name: '.', type: 'OPT', udpPayloadSize: MAX_UDP_SIZE, extendedRcode: 0, ednsVersion: 0, flags: query.opt.flags & packet.DNSSEC_OK, flag_do: query.opt.flag_do, options: [] }] : [];
  const flags = (body.authoritative ? packet.AUTHORITATIVE_ANSWER : 0) | (p.flag_rd ? packet.RECURSION_DESIRED : 0) | packet.RECURSION_AVAILABLE | RCODES[body.rcode];
  const msg = {
    type: 'response' as const, id: p.id, flags, questions: p.questions,
    answers: body.answers, authorities: body.authorities, additionals: [...body.additionals, ...opt],
  };
  const whole = compressNames(packet.encode(msg));
  if (whole.length <= limit) return whole;
  // Drop whole records, least important first, until the rest fits.
  const answers = [...body.answers];
  const authorities = [...body.authorities];
  const additionals = [...body.additionals];
  for (;;) {
    if (additionals.length) additionals.pop();
    else if (authorities.length) authorities.pop();
    else if (answers.length) answers.pop();
    const out = compressNames(packet.encode({ ...msg, flags: flags | packet.TRUNCATED_RESPONSE, answers, authorities, additionals: [...additionals, ...opt] }));
    if (out.length <= limit || !(answers.length + authorities.length + additionals.length)) return out;
  }
}

/** An error response echoing the question (if it could be read). */
export function encodeError(id: number, rcode: ResponseCode, query?: Query): Buffer {
  return packet.encode({
    type: 'response', id, flags: (query?.packet.flag_rd ? packet.RECURSION_DESIRED : 0) | packet.RECURSION_AVAILABLE | RCODES[rcode],
    questions: query?.packet.questions ?? [],
  });
}

/**
 * A key naming everything a cluster answer depends on — the question's bytes (name case
 * included), RD, and the EDNS0 buffer size and flags — read straight from the wire, so a repeated
 * question is recognised without decoding it. Undefined for anything but a plain query with one
 * question and at most an OPT record (those take the full path).
 */
export function questionKey(buf: Buffer, transport: 'udp' | 'tcp'): string | undefined {
  if (buf.length < 17) return undefined;
  const flags = buf.readUInt16BE(2);
  // QR=0, opcode QUERY; one question, no answers or authorities, at most one additional.
  if (flags & 0xf800 || buf.readUInt16BE(4) !== 1 || buf.readUInt16BE(6) || buf.readUInt16BE(8) || buf.readUInt16BE(10) > 1) return undefined;
  let i = 12;
  for (let len = buf[i]; len; len = buf[i]) {
    if (len > 63) return undefined;
    i += len + 1;
    if (i >= buf.length) return undefined;
  }
  const questionEnd = i + 5;
  if (questionEnd > buf.length) return undefined;
  let edns = '-';
  if (buf.readUInt16BE(10) === 1) {
    // The OPT record: root name, type 41, class = UDP size, TTL = extended rcode, version, flags.
    if (questionEnd + 11 > buf.length || buf[questionEnd] !== 0 || buf.readUInt16BE(questionEnd + 1) !== 41) return undefined;
    edns = `${buf.readUInt16BE(questionEnd + 3)}/${buf.readUInt16BE(questionEnd + 7)}`;
  }
  return `${transport}|${flags & 0x0100}|${edns}|${buf.toString('latin1', 12, questionEnd)}`;
}

/** A message as sent over TCP: preceded by its length in two bytes (RFC 1035 4.2.2). */
export function withLengthPrefix(msg: Buffer): Buffer {
  const out = Buffer.allocUnsafe(msg.length + 2);
  out.writeUInt16BE(msg.length, 0);
  msg.copy(out, 2);
  return out;
}
