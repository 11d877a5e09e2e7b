// Reading and decoding request bodies: a hard size cap (as upstream's 3 MiB), a nesting limit,
// JSON, YAML or protobuf by Content-Type, and upstream's error wording for bodies that are not objects.
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { BadRequestError, RequestEntityTooLargeError, UnsupportedMediaTypeError } from '../../api/errors.js';
import { decodeProtobufObject, PROTOBUF_MEDIA_TYPE } from '../protobuf/index.js';
import { jsonDepthError, valueDepthError, yamlErrorMessage } from './nesting.js';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    throw tooLarge(limit);
  }
  if (req.readableEnded) return Buffer.alloc(0);
  // Events rather than an async iterator: every request body is read, and the iterator's set-up
  // cost more than the read itself.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (err?: Error) => {
      req.off('data', onData).off('end', onEnd).off('error', done).off('close', onClose);
      if (err) reject(err); else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.resume();
        done(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => done();
    const onClose = () => done(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    req.on('data', onData).on('end', onEnd).on('error', done).on('close', onClose);
  });
}

/** Upstream's limitedReadBody error. */
function tooLarge(limit: number): RequestEntityTooLargeError {
  return new RequestEntityTooLargeError(`Request entity too large: limit is ${limit}`);
}

/**
 * A body that is not even JSON (or YAML) of an object: upstream finds out while looking for its
 * apiVersion and kind, before knowing what it is. `detail` is that first error.
 */
export class BodyDecodeError extends BadRequestError {
  constructor(readonly detail: string) {
    super(detail);
  }
}

export function mediaTypeOf(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? 'application/json').split(';')[0].trim().toLowerCase();
}

/** Decodes a create/update body into a plain object. */
export function decodeObject(body: Buffer, mediaType: string): Record<string, any> {
  // kubectl's typed clients send protobuf; the envelope always holds an object.
  if (mediaType === PROTOBUF_MEDIA_TYPE) return decodeProtobufObject(body);
  const text = body.toString('utf8');
  if (mediaType === 'application/json' || mediaType === '' || mediaType === '*/*') return decodeJsonObject(text);
  let value: unknown;
  if (mediaType === 'application/yaml' || mediaType === 'text/yaml') {
    try {
      // logLevel: a body's odd keys are the client's problem, not warnings on the server's stderr.
      value = parseYaml(text, { maxAliasCount: 100, logLevel: 'error' });
    } catch (err) {
      throw new BadRequestError(`error converting YAML to JSON: ${yamlErrorMessage(err)}`);
    }
    const tooDeep = valueDepthError(value);
    if (tooDeep) throw new BadRequestError(`error converting YAML to JSON: yaml: ${tooDeep}`);
  } else {
    throw new UnsupportedMediaTypeError(`the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`);
  }
  return asObject(value, text);
}

/** A JSON body's text (which callers that look at it again decode only once) as a plain object. */
export function decodeJsonObject(text: string): Record<string, any> {
  const tooDeep = jsonDepthError(text);
  if (tooDeep) throw new BodyDecodeError(`couldn't get version/kind; json parse error: ${tooDeep}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new BodyDecodeError(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
  return asObject(value, text);
}

function asObject(value: unknown, text: string): Record<string, any> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequestError(`Object 'Kind' is missing in '${text.slice(0, 200)}'`);
  }
  return value as Record<string, any>;
}
