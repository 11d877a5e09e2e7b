// Objects marked x-kubernetes-embedded-resource inside a custom resource must look like resources:
// apiVersion and kind set and well formed, metadata valid ObjectMeta (upstream objectmeta.Validate).
import { FieldError, fieldErrors } from '../errors.js';
import { dns1035Label, pathSegmentName } from '../validation/names.js';
import { validateObjectMeta } from '../validation/object-meta.js';
import { child, index, key } from './paths.js';
import type { JSONSchemaProps } from './types.js';

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The same error at a path below `prefix` (ObjectMeta checks name their fields from `metadata`). */
function under(prefix: string, e: FieldError): FieldError {
  return Object.assign(Object.create(Object.getPrototypeOf(e) as object) as FieldError, e, { field: prefix ? `${prefix}.${e.field}` : e.field });
}

/** schema.ParseGroupVersion's complaint about an apiVersion, or undefined. */
function groupVersionError(apiVersion: string): string | undefined {
  if (apiVersion === '/') return undefined;
  const parts = apiVersion.split('/');
  if (parts.length > 2) return `unexpected GroupVersion string: ${apiVersion}`;
  return undefined;
}

function validateEmbedded(path: string, x: Json): FieldError[] {
  const errs: FieldError[] = [];
  if (!Object.hasOwn(x, 'apiVersion')) errs.push(fieldErrors.required(child(path, 'apiVersion'), 'must not be empty'));
  if (!Object.hasOwn(x, 'kind')) errs.push(fieldErrors.required(child(path, 'kind'), 'must not be empty'));
  for (const [k, v] of Object.entries(x)) {
    const p = child(path, k);
    if (k === 'apiVersion') {
      if (typeof v !== 'string') errs.push(fieldErrors.invalid(p, v, 'must be a string'));
      else if (!v) errs.push(fieldErrors.invalid(p, v, 'must not be empty'));
      else {
        const gvErr = groupVersionError(v);
        if (gvErr) errs.push(fieldErrors.invalid(p, v, gvErr));
      }
    } else if (k === 'kind') {
      if (typeof v !== 'string') errs.push(fieldErrors.invalid(p, v, 'must be a string'));
      else if (!v) errs.push(fieldErrors.invalid(p, v, 'must not be empty'));
      else {
        const msgs = dns1035Label(v.toLowerCase());
        if (msgs.length) errs.push(fieldErrors.invalid(p, v, `may have mixed case, but should otherwise match: ${msgs.join(',')}`));
      }
    } else if (k === 'metadata' && isMap(v)) {
      const meta = { ...v, name: v.name || 'fakename' };
      errs.push(...validateObjectMeta(meta, !!v.namespace, pathSegmentName).map(e => under(path, e)));
    }
  }
  return errs;
}

function walk(path: string, s: JSONSchemaProps | undefined, x: unknown, errs: FieldError[]): void {
  if (!s) return;
  if (Array.isArray(x)) {
    const items = !Array.isArray(s.items) ? s.items : undefined;
    x.forEach((v, i) => walk(index(path, i), items, v, errs));
  } else if (isMap(x)) {
    if (s['x-kubernetes-embedded-resource']) errs.push(...validateEmbedded(path, x));
    const addl = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
    for (const [k, v] of Object.entries(x)) {
      if (s.properties && Object.hasOwn(s.properties, k)) walk(child(path, k), s.properties[k], v, errs);
      else if (addl) walk(key(path, k), addl, v, errs);
    }
  }
}

/** Errors of every embedded resource in `obj` (the object's own metadata is the store's concern). */
export function validateEmbeddedResources(schema: JSONSchemaProps, obj: unknown, path = ''): FieldError[] {
  const errs: FieldError[] = [];
  walk(path, schema, obj, errs);
  return errs;
}
