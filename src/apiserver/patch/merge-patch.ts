// RFC 7386 JSON Merge Patch (application/merge-patch+json): objects merge recursively, null
// deletes a member, anything else (arrays included) replaces the target wholesale.
import { getKey, setKey } from '../../util/data-keys.js';
import { badPatch } from './errors.js';
import { clone, isJsonObject, type JsonObject, type JsonValue } from './json.js';
import { jsonDepthError } from '../http/nesting.js';

/** Parses a merge patch body; upstream answers unparsable JSON with 400 "Invalid JSON Patch". */
export function decodeMergePatch(body: string): JsonValue {
  if (jsonDepthError(body)) throw badPatch('Invalid JSON Patch');
  try {
    return JSON.parse(body) as JsonValue;
  } catch {
    throw badPatch('Invalid JSON Patch');
  }
}

/** Returns `target` with `patch` merged in; neither argument is modified, nor shared with the result. */
export function applyMergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  return mergeInto(clone(target), patch);
}

function mergeInto(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return clone(patch);
  const out: JsonObject = isJsonObject(target) ? target : {};
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete out[name];
    else setKey(out, name, mergeInto(getKey(out, name), value));
  }
  return out;
}
