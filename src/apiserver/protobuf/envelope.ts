// Kubernetes' protobuf envelope: the magic bytes `k8s\0`, then a runtime.Unknown message
// {1: typeMeta {1: apiVersion, 2: kind}, 2: raw, 3: contentEncoding, 4: contentType} whose `raw`
// holds the object's own message.
import { Reader, WireError, WireType } from './wire.js';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

export interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Buffer;
  contentEncoding: string;
  contentType: string;
}

function isEnvelope(body: Buffer): boolean {
  return body.length >= MAGIC.length && body.subarray(0, MAGIC.length).equals(MAGIC);
}

export function readEnvelope(body: Buffer): Envelope {
  if (!isEnvelope(body)) {
    throw new WireError(`provided data does not appear to be a protobuf message, expected prefix [${[...MAGIC].join(' ')}]`);
  }
  const env: Envelope = { apiVersion: '', kind: '', raw: Buffer.alloc(0), contentEncoding: '', contentType: '' };
  const r = new Reader(body, MAGIC.length);
  while (!r.done) {
    const { field, wire } = r.tag();
    if (wire !== WireType.Bytes) { r.skip(wire); continue; }
    switch (field) {
      case 1: readTypeMeta(r.message(), env); break;
      case 2: env.raw = r.bytes(); break;
      case 3: env.contentEncoding = r.string(); break;
      case 4: env.contentType = r.string(); break;
      default: r.skip(wire);
    }
  }
  return env;
}

function readTypeMeta(r: Reader, env: Envelope): void {
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WireType.Bytes) env.apiVersion = r.string();
    else if (field === 2 && wire === WireType.Bytes) env.kind = r.string();
    else r.skip(wire);
  }
}
