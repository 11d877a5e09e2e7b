// Server-side apply (application/apply-patch+yaml): merges an applied configuration into the live
// object and records that the applier owns exactly the fields it declared, as upstream's
// structured-merge-diff Updater.Apply. Changing a field another manager owns is a conflict unless
// forced; fields the applier declared last time but no longer does are removed, unless someone
// else still owns them.
import { BadRequestError, StatusError, type StatusCause } from '../../api/errors.js';
import { setKey } from '../../util/data-keys.js';
import { OpenApiSpec, type GroupVersionKind } from '../../api/schema.js';
import { compare, fieldSetOf, mergeApplied, removeFields } from './field-ops.js';
import { formatPath, type FieldPath } from './field-set.js';
import { clone, deepEqual, isJsonObject, type JsonObject, type JsonValue } from './json.js';
import {
  decodeManagedFields, isTracked, sameIdentity, trackedOnly, typeOf, withManagedFields, withoutManagedFields,
  type ManagedEntry,
} from './managed-fields.js';

export interface ApplyOptions {
  manager: string;
  force: boolean;
  gvk: GroupVersionKind;
  apiVersion: string;
  subresource?: string;
  now: string;
  spec?: OpenApiSpec;
}

interface Conflict { entry: ManagedEntry; path: FieldPath }

export function applyPatch(live: object | undefined, applied: object, opts: ApplyOptions): object {
  const spec = opts.spec ?? OpenApiSpec.shared();
  const config = validateApplied(applied as JsonValue, opts.apiVersion);
  const type = typeOf(opts.gvk, spec);
  const current = withoutManagedFields(live as JsonValue | undefined);
  const entries = decodeManagedFields(live as JsonValue | undefined);

  // Fields the applier cannot own (status on the main resource, ...) are not applied either;
  // upstream resets them after merging, which comes to the same.
  const declared = dropUntracked(config, opts.subresource);
  const merged = mergeApplied(current, declared, type) as JsonObject;
  const appliedSet = trackedOnly(fieldSetOf(declared, type), opts.subresource);
  const changed = trackedOnly(compare(current, merged, type).changed, opts.subresource);

  const self = entries.find(e => sameIdentity(e, opts.manager, 'Apply', opts.apiVersion, opts.subresource));
  const others = entries.filter(e => e !== self);
  const conflicts: Conflict[] = others.flatMap(entry => entry.fields.intersection(changed).paths().map(path => ({ entry, path })));
  if (conflicts.length > 0 && !opts.force) throw conflictError(conflicts);

  const next: ManagedEntry[] = others.map(e => ({ ...e, fields: e.fields.difference(changed) }));
  next.push({
    manager: opts.manager, operation: 'Apply', apiVersion: opts.apiVersion, subresource: opts.subresource,
    time: self?.time, fields: appliedSet,
  });

  // Prune what this applier owned before and nobody owns now. A list item or map that still has
  // owned fields below it stays (upstream's addBackOwnedItems).
  const ownedNow = next.reduce((acc, e) => acc.union(e.fields), appliedSet);
  const stale = self ? self.fields.filter(p => !ownedNow.has(p) && !ownedNow.hasDescendants(p)) : undefined;
  const result = stale && stale.size > 0 ? removeFields(merged, stale, type) as JsonObject : merged;

  // The timestamp moves only when the object changes, so re-applying the same configuration is a no-op.
  const applier = next[next.length - 1];
  if (!applier.time || !deepEqual(result, current)) applier.time = opts.now;
  return withManagedFields(result, next);
}

function validateApplied(applied: JsonValue, apiVersion: string): JsonObject {
  if (!isJsonObject(applied)) throw new BadRequestError('error decoding YAML: the applied configuration must be an object');
  if (applied.apiVersion !== apiVersion) {
    throw new BadRequestError(`Incorrect version specified in apply patch. Specified patch version: ${String(applied.apiVersion ?? '')}, expected: ${apiVersion}`);
  }
  if (isJsonObject(applied.metadata) && applied.metadata.managedFields != null) {
    throw new BadRequestError('metadata.managedFields must be nil');
  }
  return stripNulls(applied) as JsonObject;
}

/** An applied `null` means "not declared": it neither sets nor owns the field. */
function stripNulls(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(stripNulls);
  if (!isJsonObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, child] of Object.entries(v)) if (child !== null) setKey(out, k, stripNulls(child));
  return out;
}

function dropUntracked(config: JsonObject, subresource: string | undefined): JsonObject {
  const out = clone(config);
  for (const k of Object.keys(out)) {
    if (k !== 'metadata' && k !== 'apiVersion' && k !== 'kind' && !isTracked(['f:' + k], subresource)) delete out[k];
  }
  return out;
}

/** Upstream's printManager: Update managers are named with their apiVersion and time. */
function describeManager(e: ManagedEntry): string {
  let s = JSON.stringify(e.manager);
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === 'Update') s += e.time ? ` using ${e.apiVersion} at ${e.time}` : ` using ${e.apiVersion}`;
  return s;
}

/** 409 Conflict with one FieldManagerConflict cause per field, worded as upstream. */
function conflictError(conflicts: Conflict[]): StatusError {
  const causes: StatusCause[] = conflicts.map(c => ({
    reason: 'FieldManagerConflict', message: `conflict with ${describeManager(c.entry)}`, field: formatPath(c.path),
  }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${describeManager(conflicts[0].entry)}: ${formatPath(conflicts[0].path)}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) {
      const name = describeManager(c.entry);
      byManager.set(name, [...(byManager.get(name) ?? []), formatPath(c.path)]);
    }
    const lines = [...byManager.keys()].sort().flatMap(m => [`conflicts with ${m}:`, ...byManager.get(m)!.map(p => `- ${p}`)]);
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, { causes });
}
