// OpenAPI for custom resources, as upstream's apiextensions builder publishes it: each served
// version's schema under `<reversed group>.<version>.<Kind>` (and its List), tagged with its GVK,
// with apiVersion, kind and metadata described as for built-in kinds — so `kubectl explain` and
// client-side validation know them. v2 gets a copy without what OpenAPI v2 cannot say.
import type { SchemaObject } from './schema.js';

export interface CustomResourceSchema {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  /** The version's OpenAPI v3 schema (structural, as the CRD gives it). */
  schema: Record<string, unknown>;
}

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const LIST_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';
const API_VERSION_DOC = 'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const KIND_DOC = 'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';
const METADATA_DOC = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const LIST_METADATA_DOC = 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';

/** `stable.example.com` → `com.example.stable`. */
export function definitionPrefix(group: string): string {
  return group.split('.').reverse().join('.');
}

export function definitionName(r: Pick<CustomResourceSchema, 'group' | 'version'>, kind: string): string {
  return `${definitionPrefix(r.group)}.${r.version}.${kind}`;
}

/**
 * The kind's and its list's definitions, refs written with `refPrefix` (`#/definitions/` for v2,
 * `#/components/schemas/` for v3).
 */
export function customResourceDefinitions(r: CustomResourceSchema, refPrefix: string, forV2: boolean): Record<string, Record<string, unknown>> {
  const own = forV2 ? toV2(r.schema) as Record<string, unknown> : structuredClone(r.schema);
  const properties = { ...(own.properties as Record<string, unknown> | undefined) };
  properties.apiVersion = { type: 'string', description: API_VERSION_DOC };
  properties.kind = { type: 'string', description: KIND_DOC };
  properties.metadata = metaRef(refPrefix + OBJECT_META, METADATA_DOC, forV2);
  const name = definitionName(r, r.kind);
  const kindDef = { ...own, type: 'object', properties, 'x-kubernetes-group-version-kind': [{ group: r.group, kind: r.kind, version: r.version }] };
  const listDef = {
    description: `${r.listKind} is a list of ${r.kind}`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: { type: 'string', description: API_VERSION_DOC },
      items: { type: 'array', description: `List of ${r.kind.toLowerCase()}s. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`, items: { $ref: refPrefix + name } },
      kind: { type: 'string', description: KIND_DOC },
      metadata: metaRef(refPrefix + LIST_META, LIST_METADATA_DOC, forV2),
    },
    'x-kubernetes-group-version-kind': [{ group: r.group, kind: r.listKind, version: r.version }],
  };
  return { [name]: kindDef, [definitionName(r, r.listKind)]: listDef };
}

/** v2 keeps a $ref's description beside it; v3 wraps the ref in allOf as upstream publishes it. */
function metaRef(ref: string, description: string, forV2: boolean): Record<string, unknown> {
  return forV2 ? { $ref: ref, description } : { allOf: [{ $ref: ref }], description };
}

/**
 * What OpenAPI v2 cannot express is dropped, as upstream's ToStructuralOpenAPIV2: composition
 * (oneOf/anyOf/not/allOf), nullable, and the type of int-or-string fields; CEL rules are no schema.
 */
export function toV2(schema: unknown): SchemaObject {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v !== 'object' || v === null) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === 'oneOf' || k === 'anyOf' || k === 'not' || k === 'allOf' || k === 'nullable' || k === 'x-kubernetes-validations') continue;
      if (k === 'properties' && typeof x === 'object' && x !== null) {
        out[k] = Object.fromEntries(Object.entries(x).map(([name, s]) => [name, walk(s)]));
        continue;
      }
      out[k] = walk(x);
    }
    if (out['x-kubernetes-int-or-string'] === true) delete out.type;
    return out;
  };
  return walk(schema) as SchemaObject;
}
