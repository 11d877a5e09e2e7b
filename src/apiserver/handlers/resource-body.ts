// Request bodies of resource writes: decoded by their media type, then checked as decoding into
// the Go type would (wrong JSON types always; unknown fields per fieldValidation).
import type { IncomingMessage } from 'node:http';
import type { ResourceInfo } from '../../api/catalog.js';
import type { KubeObject } from '../../api/object.js';
import { checkTypes, findUnknownFields, strictDecodingError } from '../../api/validate-schema.js';
import type { RequestContext } from '../context.js';
import { decodeObject, mediaTypeOf, readBody } from '../http/body.js';

/** Reads a create/update body and applies fieldValidation to unknown fields. */
export async function readObject(req: IncomingMessage, info: ResourceInfo, ctx: RequestContext): Promise<KubeObject> {
  const obj = decodeObject(await readBody(req), mediaTypeOf(req)) as KubeObject;
  checkDecodable(info, obj, ctx);
  return obj;
}

/** What decoding into the Go type would reject: wrong JSON types always, unknown fields per fieldValidation. */
function checkDecodable(info: ResourceInfo, obj: KubeObject, ctx: RequestContext): void {
  const gvk = { group: info.group, version: info.version, kind: info.kind };
  const typeError = checkTypes(gvk, obj);
  if (typeError) throw typeError;
  if (ctx.fieldValidation === 'Ignore') return;
  const unknown = findUnknownFields(gvk, obj);
  if (!unknown.length) return;
  if (ctx.fieldValidation === 'Strict') throw strictDecodingError(gvk, unknown);
  for (const f of unknown) ctx.warnings.push(`unknown field "${f}"`);
}

/** A DeleteOptions body, if one was sent. */
export async function readOptionalBody(req: IncomingMessage): Promise<Record<string, any> | undefined> {
  const body = await readBody(req);
  if (!body.length) return undefined;
  return decodeObject(body, mediaTypeOf(req));
}
