// The operations server-side apply needs on typed values: the set of fields a value sets, the
// fields that differ between two values, merging an applied configuration into a live object,
// and removing a set of fields. All follow upstream's structured-merge-diff semantics.
import { getKey, setKey } from '../../util/data-keys.js';
import { FieldSet, type FieldPath } from './field-set.js';
import type { FieldType } from './field-type.js';
import { clone, deepEqual, isJsonObject, type JsonObject, type JsonValue } from './json.js';

function isGranular(kind: string): boolean {
  return kind === 'struct' || kind === 'map';
}

function isList(kind: string): boolean {
  return kind === 'list-map' || kind === 'list-set';
}

function isEmpty(v: JsonValue | undefined): boolean {
  return (Array.isArray(v) && v.length === 0) || (isJsonObject(v) && Object.keys(v).length === 0);
}

/**
 * The fields `value` sets: leaves, atomic values, list items (as members, plus their fields).
 * Empty maps and lists count as leaves so that owning `{}` is possible, as upstream.
 */
export function fieldSetOf(value: JsonValue, type: FieldType): FieldSet {
  const set = new FieldSet();
  const walk = (v: JsonValue, t: FieldType, path: FieldPath) => {
    const kind = t.kindFor(v);
    if (isEmpty(v) || !fitsKind(v, kind)) {
      if (path.length > 0) set.add(path);
      return;
    }
    if (isGranular(kind)) {
      for (const [k, child] of Object.entries(v as JsonObject)) walk(child, t.field(k), [...path, 'f:' + k]);
    } else {
      (v as JsonValue[]).forEach((item, i) => {
        const itemPath = [...path, t.itemElement(item, i)];
        set.add(itemPath);
        if (kind === 'list-map' && isJsonObject(item)) {
          for (const [k, child] of Object.entries(item)) walk(child, t.item().field(k), [...itemPath, 'f:' + k]);
        }
      });
    }
  };
  walk(value, type, []);
  return set;
}

function fitsKind(v: JsonValue, kind: string): boolean {
  if (isGranular(kind)) return isJsonObject(v);
  if (isList(kind)) return Array.isArray(v);
  return false;
}

export interface Comparison {
  /** Fields added or modified from old to new. */
  changed: FieldSet;
  removed: FieldSet;
}

/** The fields that differ between two values of the same type. */
export function compare(oldValue: JsonValue | undefined, newValue: JsonValue | undefined, type: FieldType): Comparison {
  const changed = new FieldSet();
  const removed = new FieldSet();
  const walk = (a: JsonValue | undefined, b: JsonValue | undefined, t: FieldType, path: FieldPath) => {
    if (a === undefined && b === undefined) return;
    const kind = t.kindFor(b ?? a);
    const bothFit = (a === undefined || fitsKind(a, kind)) && (b === undefined || fitsKind(b, kind));
    if (!bothFit || (isEmpty(a) && isEmpty(b)) || (a === undefined && isEmpty(b)) || (b === undefined && isEmpty(a))) {
      leaf(a, b, path);
      return;
    }
    if (isGranular(kind)) {
      // Equal subtrees hold no changes; the untyped comparison is far cheaper than walking them.
      if (deepEqual(a, b)) return;
      // A free-form map appearing or disappearing is itself a change (upstream's `.` on labels).
      if (kind === 'map' && path.length > 0) {
        if (a === undefined) changed.add(path);
        if (b === undefined) removed.add(path);
      }
      const ao = (a ?? {}) as JsonObject;
      const bo = (b ?? {}) as JsonObject;
      for (const k of new Set([...Object.keys(ao), ...Object.keys(bo)])) walk(getKey(ao, k), getKey(bo, k), t.field(k), [...path, 'f:' + k]);
      return;
    }
    const aItems = indexItems((a ?? []) as JsonValue[], t);
    const bItems = indexItems((b ?? []) as JsonValue[], t);
    for (const el of new Set([...aItems.keys(), ...bItems.keys()])) {
      const x = aItems.get(el);
      const y = bItems.get(el);
      const itemPath = [...path, el];
      if (x === undefined) changed.add(itemPath);
      if (y === undefined) removed.add(itemPath);
      if (kind === 'list-map') walk(x, y, t.item(), itemPath);
    }
  };
  const leaf = (a: JsonValue | undefined, b: JsonValue | undefined, path: FieldPath) => {
    if (path.length === 0) return;
    if (b === undefined) removed.add(path);
    else if (a === undefined || !deepEqual(a, b)) changed.add(path);
  };
  walk(oldValue, newValue, type, []);
  return { changed, removed };
}

/**
 * What a create records: the FieldsV1 of compare(undefined, value).changed restricted to the paths
 * `keep` accepts, in one walk that emits the sorted trie directly (undefined when nothing is kept).
 * `descend` says whether anything below a path may be kept, so untracked subtrees (a node's status)
 * are not walked. Every create would otherwise build, filter and encode a FieldSet of all its fields.
 */
export function createdFieldsV1(value: JsonValue, type: FieldType, keep: (path: FieldPath) => boolean, descend: (path: FieldPath) => boolean): JsonObject | undefined {
  const path: string[] = [];
  // compare's walk with nothing on the old side: every position the new value reaches is a change.
  // `member`: the position is already a member (a list item); the result is its FieldsV1 node.
  const walk = (b: JsonValue, t: FieldType, member: boolean): JsonObject | undefined => {
    const kind = t.kindFor(b);
    const keys = isGranular(kind) && isJsonObject(b) ? Object.keys(b) : undefined;
    const items = isList(kind) && Array.isArray(b) ? b : undefined;
    // A leaf: a value that does not fit its position's kind, or an empty map or list.
    if (keys ? keys.length === 0 : !items?.length) return member || (path.length > 0 && keep(path)) ? {} : undefined;
    const isMember = member || (kind === 'map' && path.length > 0 && keep(path));
    // Children go in sorted, after `.` when this position is itself a member.
    let out: JsonObject | undefined;
    if (path.length === 0 || descend(path)) {
      if (keys) {
        const obj = b as JsonObject;
        for (const k of keys.sort()) {
          if (obj[k] === undefined) continue;
          path.push('f:' + k);
          const node = walk(obj[k], t.field(k), false);
          if (node) (out ??= started(isMember))[path[path.length - 1]] = node;
          path.pop();
        }
      } else {
        const byElement = indexItems(items!, t);
        for (const el of [...byElement.keys()].sort()) {
          path.push(el);
          const item = byElement.get(el);
          const itemMember = keep(path);
          const node = kind === 'list-map' && item !== undefined ? walk(item, t.item(), itemMember) : itemMember ? {} : undefined;
          if (node) (out ??= started(isMember))[el] = node;
          path.pop();
        }
      }
    }
    return out ?? (isMember ? {} : undefined);
  };
  return walk(value, type, false);
}

/** A FieldsV1 node about to get children: `.` first when the position is itself a member. */
function started(member: boolean): JsonObject {
  return member ? { '.': {} } : {};
}

function indexItems(items: JsonValue[], t: FieldType): Map<string, JsonValue> {
  const out = new Map<string, JsonValue>();
  items.forEach((item, i) => out.set(t.itemElement(item, i), item));
  return out;
}

/**
 * Merges an applied configuration into the live value: granular maps field by field, keyed and
 * set lists item by item (live-only items keep their place, applied items follow the applied
 * order), anything else replaced by the configuration.
 */
export function mergeApplied(live: JsonValue | undefined, config: JsonValue | undefined, type: FieldType): JsonValue | undefined {
  if (config === undefined) return clone(live);
  const kind = type.kindFor(config);
  if (isGranular(kind) && isJsonObject(config) && isJsonObject(live)) {
    const out = clone(live);
    for (const [k, v] of Object.entries(config)) {
      const merged = mergeApplied(getKey(live, k), v, type.field(k));
      if (merged !== undefined) setKey(out, k, merged);
    }
    return out;
  }
  if (isList(kind) && Array.isArray(config) && Array.isArray(live)) return mergeLists(live, config, type, kind);
  return clone(config);
}

/** structured-merge-diff's list merge: a two-pointer walk that keeps both relative orders. */
function mergeLists(live: JsonValue[], config: JsonValue[], t: FieldType, kind: string): JsonValue[] {
  const lKeys = live.map((v, i) => t.itemElement(v, i));
  const rKeys = config.map((v, i) => t.itemElement(v, i));
  const inConfig = new Set(rKeys);
  const liveByKey = new Map(lKeys.map((k, i) => [k, live[i]] as const));
  const shared = rKeys.filter(k => liveByKey.has(k));
  let nextShared = 0;
  const done = new Set<string>();
  const out: JsonValue[] = [];
  const take = (key: string, item: JsonValue) => {
    done.add(key);
    out.push(kind === 'list-map' ? mergeApplied(liveByKey.get(key), item, t.item()) as JsonValue : clone(item));
    if (shared[nextShared] === key) nextShared++;
  };
  let li = 0;
  let ri = 0;
  while (li < live.length || ri < config.length) {
    if (li < live.length && ri < config.length) {
      if (lKeys[li] === rKeys[ri]) {
        take(rKeys[ri], config[ri]);
        li++;
        ri++;
        continue;
      }
      // A shared item that the configuration places later: wait for it there.
      if (inConfig.has(lKeys[li]) && !done.has(lKeys[li]) && shared[nextShared] !== lKeys[li]) {
        li++;
        continue;
      }
    }
    if (li < live.length && (!inConfig.has(lKeys[li]) || done.has(lKeys[li]))) {
      if (!inConfig.has(lKeys[li])) out.push(clone(live[li]));
      li++;
      continue;
    }
    if (ri < config.length) {
      take(rKeys[ri], config[ri]);
      ri++;
    } else {
      li++;
    }
  }
  return out;
}

/**
 * `value` without the members of `remove` (a list item or map field goes with its subtree). A map
 * or list emptied by the removal goes too, as upstream's remove walker leaves it null.
 */
export function removeFields(value: JsonValue, remove: FieldSet, type: FieldType): JsonValue {
  const walk = (v: JsonValue, t: FieldType, path: FieldPath): JsonValue | undefined => {
    if (path.length > 0 && remove.has(path)) return undefined;
    if (!remove.hasDescendants(path)) return v;
    const kind = t.kindFor(v);
    if (isGranular(kind) && isJsonObject(v)) {
      const out: JsonObject = {};
      for (const [k, child] of Object.entries(v)) {
        const kept = walk(child, t.field(k), [...path, 'f:' + k]);
        if (kept !== undefined) setKey(out, k, kept);
      }
      return Object.keys(out).length > 0 ? out : undefined;
    }
    if (isList(kind) && Array.isArray(v)) {
      const out: JsonValue[] = [];
      v.forEach((item, i) => {
        const kept = kind === 'list-map' ? walk(item, t.item(), [...path, t.itemElement(item, i)]) : (remove.has([...path, t.itemElement(item, i)]) ? undefined : item);
        if (kept !== undefined) out.push(kept);
      });
      return out.length > 0 ? out : undefined;
    }
    return v;
  };
  return walk(clone(value), type, []) ?? {};
}
