// The patch package: every PATCH content type the API server accepts, and managed-fields
// bookkeeping for all writes. `applyPatchByType` is what the PATCH handler calls.
import { parse as parseYaml } from 'yaml';
import { BadRequestError, UnsupportedMediaTypeError } from '../../api/errors.js';
import { nowTimestamp } from '../../api/object.js';
import type { GroupVersionKind, OpenApiSpec } from '../../api/schema.js';
import { applyPatch } from './apply.js';
import { applyJsonPatch, decodeJsonPatch } from './json-patch.js';
import { isJsonObject, type JsonObject, type JsonValue } from './json.js';
import { applyMergePatch, decodeMergePatch } from './merge-patch.js';
import { applyStrategicMergePatch, decodeStrategicMergePatch } from './strategic-merge.js';
import { valueDepthError, yamlErrorMessage } from '../http/nesting.js';

export { applyJsonPatch, decodeJsonPatch, formatPointer, parsePointer, type JsonPatchOperation } from './json-patch.js';
export { applyMergePatch, decodeMergePatch } from './merge-patch.js';
export { applyStrategicMergePatch, decodeStrategicMergePatch } from './strategic-merge.js';
export { applyPatch, type ApplyOptions } from './apply.js';
export { defaultFieldManager, updateManagedFields, type UpdateOptions } from './managed-fields.js';
export { PatchApplyError } from './errors.js';
export type { JsonObject, JsonValue } from './json.js';

export const PATCH_CONTENT_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/apply-patch+yaml',
  'application/strategic-merge-patch+json',
] as const;

export interface PatchContext {
  gvk: GroupVersionKind;
  /** The apiVersion of the request, e.g. `apps/v1`. */
  apiVersion: string;
  /** The field manager; required (non-empty) for apply. */
  manager: string;
  force: boolean;
  subresource?: string;
  /** The name in the URL: a patch may not rename the object. */
  name?: string;
  namespace?: string;
  /** Timestamp for managed fields; defaults to the current time. */
  now?: string;
  spec?: OpenApiSpec;
}

/**
 * Applies a PATCH body of the given media type to `live` (undefined only for apply, which may
 * create). Returns the patched object; the inputs are not modified.
 */
export function applyPatchByType(contentType: string, live: object | undefined, patchBody: Buffer | string, ctx: PatchContext): object {
  const body = typeof patchBody === 'string' ? patchBody : patchBody.toString('utf8');
  const current = (live ?? {}) as JsonObject;
  let result: JsonValue;
  switch (contentType) {
    case 'application/json-patch+json':
      result = applyJsonPatch(current, decodeJsonPatch(body));
      break;
    case 'application/merge-patch+json':
      result = applyMergePatch(current, decodeMergePatch(body));
      break;
    case 'application/strategic-merge-patch+json':
      result = applyStrategicMergePatch(current, decodeStrategicMergePatch(body), ctx.gvk, ctx.spec);
      break;
    case 'application/apply-patch+yaml':
      result = applyPatch(live, decodeApplied(body), {
        manager: ctx.manager, force: ctx.force, gvk: ctx.gvk, apiVersion: ctx.apiVersion,
        subresource: ctx.subresource, now: ctx.now ?? nowTimestamp(), spec: ctx.spec,
      }) as JsonObject;
      break;
    default:
      throw new UnsupportedMediaTypeError(`the body of the request was in an unknown format - accepted media types include: ${PATCH_CONTENT_TYPES.join(', ')}`);
  }
  if (!isJsonObject(result)) throw new BadRequestError('the patched object must be a JSON object');
  checkName(result, ctx.name);
  return result;
}

/** Apply bodies are YAML, of which JSON is a subset. */
function decodeApplied(body: string): JsonObject {
  let doc: unknown;
  try {
    doc = parseYaml(body, { logLevel: 'error' });
  } catch (err) {
    throw new BadRequestError(`error decoding YAML: ${yamlErrorMessage(err)}`);
  }
  if (!isJsonObject(doc)) throw new BadRequestError('error decoding YAML: the applied configuration must be an object');
  const tooDeep = valueDepthError(doc);
  if (tooDeep) throw new BadRequestError(`error decoding YAML: yaml: ${tooDeep}`);
  return doc;
}

/** As upstream's checkName: the patched object may not name another object. */
function checkName(obj: JsonObject, name: string | undefined): void {
  const got = isJsonObject(obj.metadata) ? obj.metadata.name : undefined;
  if (name !== undefined && typeof got === 'string' && got !== '' && got !== name) {
    throw new BadRequestError(`the name of the object (${got}) does not match the name on the URL (${name})`);
  }
}
