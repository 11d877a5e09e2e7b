// metadata.managedFields: who owns which fields. Every write records the fields it changed
// under its manager (updateManagedFields, operation Update); server-side apply records the fields
// an applier declared (apply.ts, operation Apply). One entry per manager identity: (manager,
// operation, subresource, and the apiVersion for Update entries — appliers keep one entry across
// versions, as upstream's BuildManagerIdentifier).
import { OpenApiSpec, type GroupVersionKind } from '../../api/schema.js';
import { compare, createdFieldsV1 } from './field-ops.js';
import { FieldSet, type FieldPath } from './field-set.js';
import { FieldType } from './field-type.js';
import { isJsonObject, type JsonObject, type JsonValue } from './json.js';

export interface ManagedEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
  time?: string;
  fields: FieldSet;
}

export interface UpdateOptions {
  manager: string;
  operation: 'Update';
  gvk: GroupVersionKind;
  apiVersion: string;
  subresource?: string;
  now: string;
  spec?: OpenApiSpec;
}

/** Upstream's validation.FieldManagerMaxLength. */
const FIELD_MANAGER_MAX_LENGTH = 128;

/**
 * The manager name for a request without `fieldManager`: the user agent up to its first `/`
 * (`kubectl/v1.32.0 (linux/amd64)` → `kubectl`), printable characters only, at most 128 bytes.
 */
export function defaultFieldManager(userAgent: string): string {
  // Every write without fieldManager asks (twice: managedFields and the history), and a server
  // sees few user agents: the answers are kept, up to a bound a client cannot outgrow.
  let manager = defaultManagers.get(userAgent);
  if (manager === undefined) {
    if (defaultManagers.size >= DEFAULT_MANAGERS_KEPT) defaultManagers.clear();
    defaultManagers.set(userAgent, manager = managerFromUserAgent(userAgent));
  }
  return manager;
}

const DEFAULT_MANAGERS_KEPT = 256;
const defaultManagers = new Map<string, string>();

function managerFromUserAgent(userAgent: string): string {
  let out = '';
  for (const ch of userAgent.split('/')[0]) {
    if (/[\p{C}]/u.test(ch) || (/\s/u.test(ch) && ch !== ' ')) continue;
    if (Buffer.byteLength(out + ch) > FIELD_MANAGER_MAX_LENGTH) break;
    out += ch;
  }
  return out;
}

/** Fields nobody owns, with all below them: identity and server-maintained metadata (upstream's stripMetaManager). */
const NEVER_OWNED_TOP = new Set(['f:apiVersion', 'f:kind']);
const NEVER_OWNED_METADATA = new Set(['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName',
  'generation', 'managedFields', 'resourceVersion'].map(f => 'f:' + f));

/**
 * Whether `path` is tracked for a write to `subresource`: the main resource does not own status
 * and the status subresource owns only status (upstream's per-strategy reset fields).
 */
export function isTracked(path: FieldPath, subresource: string | undefined): boolean {
  const top = path[0];
  if (top === 'f:metadata') {
    if (path.length === 1 || NEVER_OWNED_METADATA.has(path[1])) return false;
  } else if (NEVER_OWNED_TOP.has(top)) {
    return false;
  }
  if (subresource === 'status') return top === 'f:status' || top === 'f:metadata';
  return top !== 'f:status';
}

/** Whether paths below `path` may be tracked: below an untracked path none is, but for metadata's own fields. */
export function hasTrackedBelow(path: FieldPath, subresource: string | undefined): boolean {
  return isTracked(path, subresource) || (path.length === 1 && path[0] === 'f:metadata');
}

export function trackedOnly(set: FieldSet, subresource: string | undefined): FieldSet {
  return set.filter(p => isTracked(p, subresource));
}

export function typeOf(gvk: GroupVersionKind, spec: OpenApiSpec): FieldType {
  return FieldType.root(spec, spec.schemaFor(gvk));
}

/** Decodes metadata.managedFields; entries that are not FieldsV1 are dropped, as upstream. */
export function decodeManagedFields(obj: JsonValue | undefined): ManagedEntry[] {
  const raw = isJsonObject(obj) && isJsonObject(obj.metadata) ? obj.metadata.managedFields : undefined;
  if (!Array.isArray(raw)) return [];
  const out: ManagedEntry[] = [];
  for (const e of raw) {
    if (!isJsonObject(e) || typeof e.manager !== 'string' || (e.operation !== 'Apply' && e.operation !== 'Update')) continue;
    out.push({
      manager: e.manager,
      operation: e.operation,
      apiVersion: typeof e.apiVersion === 'string' ? e.apiVersion : '',
      subresource: typeof e.subresource === 'string' && e.subresource ? e.subresource : undefined,
      time: typeof e.time === 'string' ? e.time : undefined,
      fields: FieldSet.fromFieldsV1(e.fieldsV1),
    });
  }
  return out;
}

/** Encodes entries sorted as upstream: by operation, time, manager, apiVersion, subresource. */
export function encodeManagedFields(entries: ManagedEntry[]): JsonObject[] {
  const sorted = entries.filter(e => e.fields.size > 0).sort((p, q) =>
    cmp(p.operation, q.operation) || cmp(seconds(p.time), seconds(q.time)) || cmp(p.manager, q.manager)
    || cmp(p.apiVersion, q.apiVersion) || cmp(p.subresource ?? '', q.subresource ?? ''));
  return sorted.map(e => encodeEntry(e, e.fields.toFieldsV1()));
}

function encodeEntry(e: Omit<ManagedEntry, 'fields'>, fieldsV1: JsonObject): JsonObject {
  const out: JsonObject = { manager: e.manager, operation: e.operation, apiVersion: e.apiVersion };
  if (e.time) out.time = e.time;
  out.fieldsType = 'FieldsV1';
  out.fieldsV1 = fieldsV1;
  if (e.subresource) out.subresource = e.subresource;
  return out;
}

function cmp<T extends string | number>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function seconds(time: string | undefined): number {
  return time ? Math.floor(Date.parse(time) / 1000) || 0 : 0;
}

export function sameIdentity(e: ManagedEntry, manager: string, operation: string, apiVersion: string, subresource: string | undefined): boolean {
  return e.manager === manager && e.operation === operation && (e.subresource ?? '') === (subresource ?? '')
    && (operation === 'Apply' || e.apiVersion === apiVersion);
}

/**
 * `obj` with metadata.managedFields set to `entries` (or removed when there are none). A new top
 * level and metadata; everything else is shared with `obj`, which the caller hands over.
 */
export function withManagedFields(obj: JsonObject, entries: ManagedEntry[]): JsonObject {
  return withEncodedManagedFields(obj, encodeManagedFields(entries));
}

function withEncodedManagedFields(obj: JsonObject, encoded: JsonObject[]): JsonObject {
  const meta: JsonObject = isJsonObject(obj.metadata) ? { ...obj.metadata } : {};
  if (encoded.length > 0) meta.managedFields = encoded;
  else delete meta.managedFields;
  return { ...obj, metadata: meta };
}

/** A read-only view of `obj` without metadata.managedFields (shares everything else). */
export function withoutManagedFields(obj: JsonValue | undefined): JsonObject {
  if (!isJsonObject(obj)) return {};
  if (!isJsonObject(obj.metadata) || !('managedFields' in obj.metadata)) return obj;
  const { managedFields: _, ...meta } = obj.metadata;
  return { ...obj, metadata: meta };
}

/** A request that sets managedFields to `[{}]` asks for them to be cleared (upstream's reset). */
function isReset(raw: unknown): boolean {
  return Array.isArray(raw) && raw.length === 1 && isJsonObject(raw[0]) && Object.keys(raw[0]).length === 0;
}

/**
 * Records a create, update or non-apply patch: the fields that changed from `oldObj` to `newObj`
 * now belong to `opts.manager` (and to no one else). Managed fields the request itself carries
 * replace the stored ones (so clients can edit them), except for subresources and when empty.
 */
export function updateManagedFields(oldObj: object | undefined, newObj: object, opts: UpdateOptions): object {
  const spec = opts.spec ?? OpenApiSpec.shared();
  const next = newObj as JsonObject;
  const requested = isJsonObject(next.metadata) ? next.metadata.managedFields : undefined;
  if (isReset(requested)) return withManagedFields(next, []);
  const fromRequest = opts.subresource ? [] : decodeManagedFields(next);
  const entries = fromRequest.length > 0 ? fromRequest : decodeManagedFields(oldObj as JsonValue | undefined);

  const type = typeOf(opts.gvk, spec);
  if (oldObj === undefined && entries.length === 0) {
    // A create: every field it sets is the manager's, the one entry there is.
    const fieldsV1 = createdFieldsV1(withoutManagedFields(next), type, p => isTracked(p, opts.subresource), p => hasTrackedBelow(p, opts.subresource));
    const entry = { manager: opts.manager, operation: 'Update' as const, apiVersion: opts.apiVersion, subresource: opts.subresource, time: opts.now };
    return withEncodedManagedFields(next, fieldsV1 ? [encodeEntry(entry, fieldsV1)] : []);
  }
  const { changed } = compare(withoutManagedFields(oldObj as JsonValue | undefined), withoutManagedFields(next), type);
  const owned = trackedOnly(changed, opts.subresource);
  if (owned.size === 0) return withManagedFields(next, entries);

  // Upstream records the operation under a temporary manager, takes the changed fields from
  // everyone, then folds them into the manager's entry: fields it removed stay listed.
  const others = entries.filter(e => !sameIdentity(e, opts.manager, 'Update', opts.apiVersion, opts.subresource));
  const previous = entries.find(e => sameIdentity(e, opts.manager, 'Update', opts.apiVersion, opts.subresource));
  const updated: ManagedEntry[] = others.map(e => ({ ...e, fields: e.fields.difference(owned) }));
  updated.push({
    manager: opts.manager, operation: 'Update', apiVersion: opts.apiVersion, subresource: opts.subresource,
    time: opts.now, fields: previous ? previous.fields.union(owned) : owned,
  });
  return withManagedFields(next, updated);
}
