// Decoding of `application/vnd.kubernetes.protobuf` request bodies into the plain object the JSON
// encoding of the same object would give. Only decoding: responses stay JSON, which every client
// that sends protobuf also accepts.
import { BadRequestError, UnsupportedMediaTypeError } from '../../api/errors.js';
import { MessageDecoder } from './decode.js';
import { readEnvelope } from './envelope.js';
import { ANY_VERSION_KINDS, MESSAGES, ROOT_KINDS } from './tables/index.js';
import { Reader, WireError } from './wire.js';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

const decoder = new MessageDecoder(MESSAGES);

export function decodeProtobufObject(body: Buffer): Record<string, any> {
  try {
    const env = readEnvelope(body);
    const typeMeta = `runtime.TypeMeta{APIVersion:${JSON.stringify(env.apiVersion)}, Kind:${JSON.stringify(env.kind)}}`;
    if (!env.kind) throw new BadRequestError(`Object 'Kind' is missing in '${typeMeta}'`);
    if (!env.apiVersion) throw new BadRequestError(`Object 'apiVersion' is missing in '${typeMeta}'`);
    // `raw` in any other encoding would be misread as protobuf, so refuse it outright.
    if (env.contentEncoding || (env.contentType && env.contentType !== PROTOBUF_MEDIA_TYPE) || !isRootKind(env.apiVersion, env.kind)) {
      // Upstream's answer for a resource without protobuf support (e.g. custom resources).
      throw new UnsupportedMediaTypeError('the body of the request was in an unknown format - accepted media types include: application/json, application/yaml');
    }
    const fields = decoder.decode(new Reader(env.raw), env.kind) as Record<string, any>;
    return { apiVersion: env.apiVersion, kind: env.kind, ...fields };
  } catch (err) {
    if (err instanceof WireError) throw new BadRequestError(err.message);
    throw err;
  }
}

function isRootKind(apiVersion: string, kind: string): boolean {
  return ANY_VERSION_KINDS.includes(kind) || (ROOT_KINDS[apiVersion]?.includes(kind) ?? false);
}
