// RFC 6902 JSON Patch (application/json-patch+json). Upstream decodes the document first (400 if
// it is not a list of operations) and then applies it; any failure while applying (unknown op,
// missing path, failed test) is a 422 with a generic message.
import { setKey } from '../../util/data-keys.js';
import { parsePatchJson } from './decode.js';
import { badPatch, MAX_JSON_PATCH_OPERATIONS, PatchApplyError, tooManyOperations } from './errors.js';
import { clone, deepEqual, isJsonObject, type JsonValue } from './json.js';

export interface JsonPatchOperation {
  op: string;
  path: string;
  from?: string;
  value?: JsonValue;
}

/** Parses a JSON Patch body; only the shape "array of objects" is checked here, as upstream does. */
export function decodeJsonPatch(body: string): JsonPatchOperation[] {
  const doc = parsePatchJson(body);
  if (!Array.isArray(doc) || !doc.every(isJsonObject)) {
    throw badPatch('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  }
  if (doc.length > MAX_JSON_PATCH_OPERATIONS) throw tooManyOperations(doc.length);
  return doc as unknown as JsonPatchOperation[];
}

/** Applies the operations in order to a copy of `doc`; the input is never modified. */
export function applyJsonPatch(doc: JsonValue, ops: JsonPatchOperation[]): JsonValue {
  let root = clone(doc);
  for (const op of ops) root = applyOperation(root, op);
  return root;
}

function applyOperation(root: JsonValue, op: JsonPatchOperation): JsonValue {
  const path = requireString(op, 'path');
  switch (op.op) {
    case 'add': return add(root, path, clone(requireValue(op)), 'add');
    case 'remove': return remove(root, path, 'remove').root;
    case 'replace': {
      const value = clone(requireValue(op));
      if (path === '') return value;
      const { root: r } = remove(root, path, 'replace');
      return add(r, path, value, 'replace');
    }
    case 'move': {
      const from = requireString(op, 'from');
      if (from === path) return root;
      // RFC 6902 §4.4: a location cannot be moved into one of its own children.
      if (path.startsWith(from + '/')) throw new PatchApplyError(`move operation does not apply: "from" ${from} is a prefix of "path" ${path}`);
      const { root: r, value } = remove(root, from, 'move');
      return add(r, path, value, 'move');
    }
    case 'copy': {
      const from = requireString(op, 'from');
      return add(root, path, clone(get(root, from, 'copy') as JsonValue), 'copy');
    }
    case 'test': {
      const actual = get(root, path, 'test', true);
      if (actual === undefined || !deepEqual(actual, op.value ?? null)) {
        throw new PatchApplyError(`testing value ${path} failed: test failed`);
      }
      return root;
    }
    default:
      throw new PatchApplyError(`Unexpected kind: ${String(op.op)}`);
  }
}

function requireString(op: JsonPatchOperation, member: 'path' | 'from'): string {
  const v = op[member];
  if (typeof v !== 'string') throw new PatchApplyError(`${op.op} operation missing "${member}" member`);
  return v;
}

function requireValue(op: JsonPatchOperation): JsonValue {
  if (!('value' in op)) throw new PatchApplyError(`${op.op} operation missing "value" member`);
  return op.value as JsonValue;
}

/** Decodes a JSON pointer (RFC 6901) into reference tokens. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchApplyError(`JSON pointer must be empty or start with a "/": ${JSON.stringify(pointer)}`);
  return pointer.slice(1).split('/').map(t => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Encodes reference tokens as a JSON pointer. */
export function formatPointer(tokens: string[]): string {
  return tokens.map(t => '/' + t.replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

function arrayIndex(token: string, length: number, allowEnd: boolean, path: string, opName: string): number {
  if (allowEnd && token === '-') return length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new PatchApplyError(`${opName} operation does not apply: invalid array index ${JSON.stringify(token)} in ${path}`);
  const i = Number(token);
  if (i > length || (!allowEnd && i === length)) throw new PatchApplyError(`${opName} operation does not apply: index out of range in ${path}`);
  return i;
}

/** The container holding the last token of `path`, walking from `root`. */
function parentOf(root: JsonValue, tokens: string[], path: string, opName: string): JsonValue {
  let node: JsonValue = root;
  for (const t of tokens.slice(0, -1)) {
    let next: JsonValue | undefined;
    if (Array.isArray(node)) next = node[arrayIndex(t, node.length, false, path, opName)];
    else if (isJsonObject(node) && Object.hasOwn(node, t)) next = node[t];
    if (next === undefined) throw new PatchApplyError(`${opName} operation does not apply: doc is missing path: "${path}": missing value`);
    node = next;
  }
  return node;
}

function get(root: JsonValue, path: string, opName: string, lenient = false): JsonValue | undefined {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return root;
  let parent: JsonValue;
  try {
    parent = parentOf(root, tokens, path, opName);
  } catch (err) {
    if (lenient) return undefined;
    throw err;
  }
  const last = tokens[tokens.length - 1];
  let value: JsonValue | undefined;
  if (Array.isArray(parent)) {
    if (/^(0|[1-9][0-9]*)$/.test(last) && Number(last) < parent.length) value = parent[Number(last)];
  } else if (isJsonObject(parent) && Object.hasOwn(parent, last)) {
    value = parent[last];
  }
  if (value === undefined && !lenient) throw new PatchApplyError(`${opName} operation does not apply: doc is missing path: "${path}": missing value`);
  return value;
}

function add(root: JsonValue, path: string, value: JsonValue, opName: string): JsonValue {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return value;
  const parent = parentOf(root, tokens, path, opName);
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) {
    parent.splice(arrayIndex(last, parent.length, true, path, opName), 0, value);
  } else if (isJsonObject(parent)) {
    setKey(parent, last, value);
  } else {
    throw new PatchApplyError(`${opName} operation does not apply: doc is missing path: "${path}": missing value`);
  }
  return root;
}

function remove(root: JsonValue, path: string, opName: string): { root: JsonValue; value: JsonValue } {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return { root: null, value: root };
  const parent = parentOf(root, tokens, path, opName);
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) {
    const i = arrayIndex(last, parent.length, false, path, opName);
    return { root, value: parent.splice(i, 1)[0] };
  }
  if (isJsonObject(parent) && Object.hasOwn(parent, last)) {
    const value = parent[last];
    delete parent[last];
    return { root, value };
  }
  throw new PatchApplyError(`${opName} operation does not apply: doc is missing path: "${path}": missing value`);
}
