// Pruning of fields a structural schema does not specify, as upstream's pruning.Prune: unknown
// fields are dropped in place, except under x-kubernetes-preserve-unknown-fields, and an
// (embedded) resource keeps its apiVersion, kind and metadata (metadata has its own rules).
import type { JSONSchemaProps } from './types.js';

type Json = Record<string, unknown>;

const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Drops unknown fields of `obj` in place; `isResourceRoot` treats `obj` as an embedded resource. */
export function prune(obj: unknown, schema: JSONSchemaProps | undefined, isResourceRoot: boolean): void {
  walk(obj, schema, isResourceRoot);
}

/** The schema of an object's values under additionalProperties: false/absent is none. */
function additional(s: JSONSchemaProps): JSONSchemaProps | undefined | 'none' {
  if (s.additionalProperties === undefined || s.additionalProperties === false) return 'none';
  return s.additionalProperties === true ? undefined : s.additionalProperties;
}

function walk(x: unknown, s: JSONSchemaProps | undefined, embedded: boolean): void {
  if (Array.isArray(x)) {
    for (const v of x) walk(v, s && !Array.isArray(s.items) ? s.items : undefined, false);
    return;
  }
  if (!isMap(x)) return;
  if (!s) {
    for (const k of Object.keys(x)) delete x[k];
    return;
  }
  const isEmbedded = embedded || !!s['x-kubernetes-embedded-resource'];
  const preserve = !!s['x-kubernetes-preserve-unknown-fields'];
  const props = s.properties ?? {};
  const addl = additional(s);
  for (const k of Object.keys(x)) {
    const v = x[k];
    if (isEmbedded && (((k === 'apiVersion' || k === 'kind') && typeof v === 'string') || (k === 'metadata' && isMap(v)))) continue;
    if (Object.hasOwn(props, k)) walk(v, props[k], false);
    else if (addl !== 'none') walk(v, addl, false);
    else if (!preserve) delete x[k];
  }
}
