// Strategic merge patch (application/strategic-merge-patch+json), following upstream's
// apimachinery/pkg/util/strategicpatch as the API server runs it (MergeParallelList and
// IgnoreUnmatchedNulls both on). The OpenAPI patch metadata decides, per field, whether a list is
// merged by key (containers by name), unioned (finalizers) or replaced, and whether a map keeps
// only the keys a `$retainKeys` directive names.
//
// Upstream reports malformed directives either as 400 (the mergepatch.ErrBadPatchFormat* family) or
// as plain errors that surface as 500; both are client mistakes, so here they are all 400, except
// lists of lists, which upstream (and we) answer with 422.
import { OpenApiSpec, type GroupVersionKind } from '../../api/schema.js';
import { getKey, hasKey, setKey } from '../../util/data-keys.js';
import { parsePatchJson } from './decode.js';
import { badPatch, PatchApplyError } from './errors.js';
import { clone, deepEqual, isJsonObject, type JsonObject, type JsonValue } from './json.js';
import { PatchMetaCursor } from './patch-meta.js';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

/** Parses a strategic merge patch body, which must be a JSON object. */
export function decodeStrategicMergePatch(body: string): JsonObject {
  const doc = parsePatchJson(body);
  if (!isJsonObject(doc)) throw badPatch('json: cannot unmarshal array into Go value of type map[string]interface {}');
  return doc;
}

/** Applies `patch` to `original` for the kind `gvk`; neither argument is modified. */
export function applyStrategicMergePatch(original: JsonObject, patch: JsonObject, gvk: GroupVersionKind, spec = OpenApiSpec.shared()): JsonObject {
  const cursor = new PatchMetaCursor(spec, spec.schemaFor(gvk));
  return mergeMap(clone(original), clone(patch), cursor);
}

// mergeMap and the functions below mutate `original` and `patch`: both are private copies.
function mergeMap(original: JsonObject | undefined, patch: JsonObject, cur: PatchMetaCursor): JsonObject {
  if (hasKey(patch, DIRECTIVE)) {
    const directive = patch[DIRECTIVE];
    if (directive === 'delete') return {};
    if (directive !== 'replace') throw badPatch(`unknown patch type: ${String(directive)} in map: ${JSON.stringify(patch)}`);
    delete patch[DIRECTIVE];
    // The patch becomes the value; merging it into nothing drops nulls and nested directives.
    return mergeMap({}, patch, cur);
  }
  const out = original ?? {};
  applyRetainKeys(out, patch);
  applySetElementOrder(out, patch, cur);

  for (const [patchKey, patchValue] of Object.entries(patch)) {
    const isDeleteList = patchKey.startsWith(DELETE_FROM_PRIMITIVE_LIST);
    const key = isDeleteList ? extractKey(patchKey, DELETE_FROM_PRIMITIVE_LIST) : patchKey;
    if (patchValue === null) {
      delete out[key];
      continue;
    }
    const { meta, value: child } = cur.field(key);
    const current = getKey(out, key);
    if (current === undefined || kindOf(current) !== kindOf(patchValue)) {
      // Nothing to delete from; a new or retyped value is the patch's, minus its directives.
      if (!isDeleteList) setKey(out, key, fresh(patchValue, meta.strategy, meta.mergeKey, child));
      continue;
    }
    if (isJsonObject(current) && isJsonObject(patchValue)) {
      setKey(out, key, meta.strategy === 'replace' ? fresh(patchValue, '', '', child) : mergeMap(current, patchValue, child));
    } else if (Array.isArray(current) && Array.isArray(patchValue)) {
      setKey(out, key, meta.strategy === 'merge' ? mergeList(current, patchValue, child, meta.mergeKey, isDeleteList) : patchValue);
    } else {
      setKey(out, key, patchValue);
    }
  }
  return out;
}

/** The value a patch introduces where the original has none. */
function fresh(value: JsonValue, strategy: string, mergeKey: string, cur: PatchMetaCursor): JsonValue {
  if (isJsonObject(value)) return mergeMap({}, value, cur);
  if (Array.isArray(value) && strategy === 'merge') return mergeList([], value, cur, mergeKey, false);
  return value;
}

/** `$retainKeys: [...]` clears every key of the original map that the list does not name. */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!hasKey(patch, RETAIN_KEYS)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw badPatch('invalid patch format of retainKeys');
  const keep = new Set(list);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.has(k)) throw badPatch('invalid patch format of retainKeys');
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/**
 * `$setElementOrder/<list>` gives the final relative order of the items the client knows about;
 * the list itself is merged here too (and removed from the patch), then ordered with precedence
 * $setElementOrder > order in the patch > order in the live list.
 */
function applySetElementOrder(original: JsonObject, patch: JsonObject, cur: PatchMetaCursor): void {
  for (const directiveKey of Object.keys(patch)) {
    if (!directiveKey.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[directiveKey];
    delete patch[directiveKey];
    if (!Array.isArray(order)) throw badPatch('invalid patch format of setElementOrder list');
    const key = extractKey(directiveKey, SET_ELEMENT_ORDER);
    const originalList = listAt(original, key);
    const patchList = listAt(patch, key);
    const { meta, value: itemCursor } = cur.field(key);
    validateAgainstOrder(patchList ?? [], order, meta.mergeKey);

    let merged: JsonValue[];
    if (originalList && patchList) merged = meta.strategy === 'merge' ? mergeList(originalList, patchList, itemCursor, meta.mergeKey, false) : patchList;
    else if (originalList) merged = originalList;
    else if (patchList) merged = meta.strategy === 'merge' ? mergeList([], patchList, itemCursor, meta.mergeKey, false) : patchList;
    else continue;
    delete patch[key];

    const kind = elementKind([...(originalList ?? []), ...(patchList ?? [])]);
    if (kind === undefined) {
      setKey(original, key, merged);
      continue;
    }
    const [patchItems, serverOnly] = partition(merged, order, meta.mergeKey);
    setKey(original, key, normalizeOrder(patchItems, serverOnly, order, originalList ?? [], meta.mergeKey, kind));
  }
}

function listAt(m: JsonObject, key: string): JsonValue[] | undefined {
  const v = getKey(m, key);
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw badPatch(`expected a list at ${key}, got ${JSON.stringify(v)}`);
  return v;
}

/** The patch list must list its (non-deleted) items in the relative order of `$setElementOrder`. */
function validateAgainstOrder(patchList: JsonValue[], order: JsonValue[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey ? patchList.filter(v => !(isJsonObject(v) && v[DIRECTIVE] === 'delete')) : patchList;
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    if (isJsonObject(items[p]) && hasKey(items[p] as JsonObject, DIRECTIVE)) {
      p++;
      continue;
    }
    if (sameItem(items[p], order[o], mergeKey, true)) p++;
    o++;
  }
  if (p < items.length) {
    throw badPatch(`The order in patch list:\n${JSON.stringify(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${JSON.stringify(order)}\n`);
  }
}

/** Merges a list whose strategy is "merge": by merge key for maps, as a set for primitives. */
function mergeList(original: JsonValue[], patch: JsonValue[], itemCursor: PatchMetaCursor, mergeKey: string, isDeleteList: boolean): JsonValue[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind([...original, ...patch]) as ElementKind;
  let merged: JsonValue[];
  let patchItems = patch;
  let base = original;
  if (kind !== 'object') {
    if (isDeleteList) return original.filter(v => !patch.some(d => d === v));
    merged = [];
    for (const v of [...original, ...patch]) if (!merged.some(m => m === v)) merged.push(v);
  } else {
    if (!mergeKey) throw badPatch('cannot merge lists without merge key for type map');
    [base, patchItems] = applyListDirectives(original, patch, mergeKey, itemCursor);
    merged = [...base];
    for (const item of patchItems as JsonObject[]) {
      if (!hasKey(item, mergeKey)) throw noMergeKey(item, mergeKey);
      const i = merged.findIndex(m => sameItem(m, item, mergeKey));
      if (i >= 0) merged[i] = mergeMap(merged[i] as JsonObject, item, itemCursor);
      else merged.push(mergeMap({}, item, itemCursor));
    }
  }
  const [inPatch, serverOnly] = partition(merged, patchItems, mergeKey);
  return normalizeOrder(inPatch, serverOnly, patchItems, base, mergeKey, kind);
}

/**
 * Items carrying `$patch`: `delete` removes the original items with the same merge key,
 * `replace` makes the rest of the patch list the whole list. Returns the new original and the
 * patch items still to merge.
 */
function applyListDirectives(original: JsonValue[], patch: JsonValue[], mergeKey: string, itemCursor: PatchMetaCursor): [JsonValue[], JsonValue[]] {
  const plain: JsonValue[] = [];
  let replace = false;
  let base = original;
  for (const item of patch as JsonObject[]) {
    if (!hasKey(item, DIRECTIVE)) {
      plain.push(item);
      continue;
    }
    switch (item[DIRECTIVE]) {
      case 'delete':
        if (!hasKey(item, mergeKey)) throw noMergeKey(item, mergeKey);
        base = base.filter(o => !sameItem(o, item, mergeKey));
        break;
      case 'replace':
        replace = true;
        break;
      case 'merge':
        throw badPatch('merging lists cannot yet be specified in the patch');
      default:
        throw badPatch(`unknown patch type: ${String(item[DIRECTIVE])} in map: ${JSON.stringify(item)}`);
    }
  }
  return replace ? [plain.map(p => mergeMap({}, p as JsonObject, itemCursor)), []] : [base, plain];
}

function noMergeKey(item: JsonObject, mergeKey: string): Error {
  return badPatch(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
}

type ElementKind = 'object' | 'string' | 'number' | 'boolean' | 'null';

/** The common kind of the elements, undefined for no elements; lists of lists are refused. */
function elementKind(items: JsonValue[]): ElementKind | undefined {
  let kind: ElementKind | undefined;
  for (const v of items) {
    if (Array.isArray(v)) throw new PatchApplyError('lists of lists are not supported');
    const k = kindOf(v) as ElementKind;
    if (kind !== undefined && k !== kind) throw badPatch(`list element types are not identical: ${JSON.stringify(items)}`);
    kind = k;
  }
  return kind;
}

function kindOf(v: JsonValue | undefined): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function sameItem(a: JsonValue, b: JsonValue, mergeKey: string, strict = false): boolean {
  if (!mergeKey) return a === b;
  if (!isJsonObject(a) || !isJsonObject(b) || !hasKey(a, mergeKey) || !hasKey(b, mergeKey)) {
    if (strict) throw badPatch(`map does not contain declared merge key: ${mergeKey}`);
    return false;
  }
  return deepEqual(a[mergeKey], b[mergeKey]);
}

/** Splits `items` into those present in `by` and the rest (server-only items), keeping order. */
function partition(items: JsonValue[], by: JsonValue[], mergeKey: string): [JsonValue[], JsonValue[]] {
  const present: JsonValue[] = [];
  const rest: JsonValue[] = [];
  for (const v of items) (by.some(b => sameItem(v, b, mergeKey)) ? present : rest).push(v);
  return [present, rest];
}

function indexIn(list: JsonValue[], item: JsonValue, mergeKey: string, kind: ElementKind): number {
  return list.findIndex(v => (kind === 'object' ? sameItem(v, item, mergeKey) : v === item));
}

/**
 * Upstream's normalizeElementOrder: patch items sorted by the patch order, server-only items by
 * the live order, then interleaved so that both relative orders hold, using the live order to
 * decide between the two where it knows both items and putting patch items first otherwise.
 */
function normalizeOrder(patchItems: JsonValue[], serverOnly: JsonValue[], patchOrder: JsonValue[], serverOrder: JsonValue[], mergeKey: string, kind: ElementKind): JsonValue[] {
  const right = sortByOrder(patchItems, patchOrder, mergeKey, kind);
  const left = sortByOrder(serverOnly, serverOrder, mergeKey, kind);
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexIn(serverOrder, left[i], mergeKey, kind);
      const ri = indexIn(serverOrder, right[j], mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

/** Reorders the items that `order` knows by their position there; other items keep their slots. */
function sortByOrder(items: JsonValue[], order: JsonValue[], mergeKey: string, kind: ElementKind): JsonValue[] {
  const known = items
    .map((item, slot) => ({ item, slot, at: indexIn(order, item, mergeKey, kind) }))
    .filter(x => x.at >= 0);
  const sorted = [...known].sort((a, b) => a.at - b.at);
  const out = [...items];
  known.forEach((k, n) => { out[k.slot] = sorted[n].item; });
  return out;
}

/** "$setElementOrder/containers" → "containers". */
function extractKey(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw badPatch(prefix === SET_ELEMENT_ORDER ? 'invalid patch format of setElementOrder list' : 'invalid patch format of primitive list');
  }
  return key.slice(slash + 1);
}
