// Request bodies of resource writes: decoded by their media type, then checked as decoding into
// the Go type would (wrong JSON types always; unknown fields per fieldValidation).
import type { IncomingMessage } from 'node:http';
import type { ResourceInfo } from '../../api/catalog.js';
import type { KubeObject } from '../../api/object.js';
import { checkTypes, findUnknownFields, strictDecodingError, strictDecodingProblems } from '../../api/validate-schema.js';
import type { OpenApiSpec } from '../../api/schema.js';
import type { RequestContext } from '../context.js';
import { BadRequestError } from '../../api/errors.js';
import { BodyDecodeError, decodeJsonObject, decodeObject, mediaTypeOf, readBody } from '../http/body.js';
import { duplicateFields } from '../http/duplicate-fields.js';

/**
 * Reads a create/update body and applies fieldValidation to unknown fields (of the kind's schema
 * in `spec` when it is not in the shipped one: custom resources).
 */
export async function readObject(req: IncomingMessage, info: ResourceInfo, ctx: RequestContext, spec?: OpenApiSpec): Promise<KubeObject> {
  const body = await readBody(req);
  const mediaType = mediaTypeOf(req);
  // A JSON body's text is also scanned for repeated fields: it is made once.
  const json = mediaType === 'application/json' ? body.toString('utf8') : undefined;
  let obj: KubeObject;
  try {
    obj = (json === undefined ? decodeObject(body, mediaType) : decodeJsonObject(json)) as KubeObject;
  } catch (err) {
    // Upstream's transformDecodeError for a body whose kind could not even be found.
    if (err instanceof BodyDecodeError) throw new BadRequestError(`the object provided is unrecognized (must be of type ${info.kind}): ${err.detail} (${summarizeData(body)})`);
    throw err;
  }
  checkDecodable(info, obj, ctx, json, spec);
  return obj;
}

/** The start of a body for error messages, as upstream's summarizeData: text if it looks like JSON, else hex. */
function summarizeData(body: Buffer, max = 30): string {
  if (body.length === 0) return '<empty>';
  const head = body.subarray(0, max);
  const text = body[0] === 0x7b ? head.toString('utf8') : head.toString('hex');
  return body.length > max ? `${text} ...` : text;
}

/**
 * What decoding into the Go type would reject: wrong JSON types always; duplicate fields (of a
 * JSON body) and unknown fields per fieldValidation.
 */
function checkDecodable(info: ResourceInfo, obj: KubeObject, ctx: RequestContext, json: string | undefined, spec?: OpenApiSpec): void {
  const gvk = { group: info.group, version: info.version, kind: info.kind };
  const typeError = checkTypes(gvk, obj);
  if (typeError) throw typeError;
  if (ctx.fieldValidation === 'Ignore') return;
  const unknown = findUnknownFields(gvk, obj, spec);
  const duplicates = json ? duplicateFields(json, obj) : [];
  if (!unknown.length && !duplicates.length) return;
  if (ctx.fieldValidation === 'Strict') throw strictDecodingError(gvk, unknown, duplicates);
  ctx.warnings.push(...strictDecodingProblems(unknown, duplicates));
}

/** A DeleteOptions body, if one was sent. */
export async function readOptionalBody(req: IncomingMessage): Promise<Record<string, any> | undefined> {
  const body = await readBody(req);
  if (!body.length) return undefined;
  return decodeObject(body, mediaTypeOf(req));
}
