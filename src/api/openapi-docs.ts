// The OpenAPI documents the server publishes: /openapi/v2 (the shipped spec, restricted to served
// groups) and /openapi/v3 (an index plus one OpenAPI 3.0 document per group-version, converted
// from v2) — what `kubectl explain`, client-side validation and SMP-aware clients read.
import { createHash } from 'node:crypto';
import { SERVED_GROUP_VERSIONS } from './catalog.js';
import { OpenApiSpec, type SchemaObject } from './schema.js';
import { customResourceDefinitions, definitionName, type CustomResourceSchema } from './openapi-custom-resources.js';

interface V2Parameter { name: string; in: string; description?: string; required?: boolean; type?: string; schema?: SchemaObject; uniqueItems?: boolean; $ref?: string }
interface V2Operation {
  parameters?: V2Parameter[];
  responses?: Record<string, { description?: string; schema?: SchemaObject }>;
  consumes?: string[];
  produces?: string[];
  schemes?: string[];
  [k: string]: unknown;
}

let v2: Buffer | undefined;
let v3Docs: Map<string, Buffer> | undefined;
let v3Hashes: Map<string, string> | undefined;
/** The served custom resources' schemas (CRDs); changing them rebuilds the documents. */
let custom: (CustomResourceSchema & { resource: string; namespaced: boolean })[] = [];
let generation = 0;

export function setCustomResourceSchemas(schemas: typeof custom): void {
  custom = schemas;
  v2 = v3Docs = v3Hashes = undefined;
  generation++;
}

/** Changes whenever the published documents do (so encodings cached elsewhere can be dropped). */
export function openapiGeneration(): number {
  return generation;
}

const SERVED = new Set(SERVED_GROUP_VERSIONS);
const SERVED_GROUPS = new Set(SERVED_GROUP_VERSIONS.filter(gv => gv.includes('/')).map(gv => gv.split('/')[0]));

/**
 * The v3 document a v2 path belongs to, named as upstream's /openapi/v3 index names them:
 * `api/v1`, `apis/apps/v1`, the discovery roots `api`, `apis`, `apis/apps`, and `version`.
 */
function documentOf(path: string): string | undefined {
  if (path === '/api/' || path === '/apis/' || path === '/version/') return path.slice(1, -1);
  const gv = path.match(/^\/api\/(v1)\//) ?? path.match(/^\/apis\/([^/]+\/[^/]+)\//);
  if (gv) return SERVED.has(gv[1]) ? path.slice(1, path.indexOf(gv[1]) + gv[1].length) : undefined;
  const group = path.match(/^\/apis\/([^/]+)\/$/);
  return group && SERVED_GROUPS.has(group[1]) ? `apis/${group[1]}` : undefined;
}

export function openapiV2(): Buffer {
  if (!v2) {
    const doc = OpenApiSpec.shared().doc;
    // Unserved groups' paths are dropped; paths outside /api and /apis (version, logs, ...) stay.
    const paths = Object.fromEntries(Object.entries(doc.paths).filter(([p]) => documentOf(p) || !/^\/apis?\//.test(p)));
    const definitions = { ...doc.definitions };
    for (const r of custom) Object.assign(definitions, customResourceDefinitions(r, '#/definitions/', true));
    v2 = Buffer.from(JSON.stringify({ ...doc, paths, definitions }));
  }
  return v2;
}

export function openapiV3Index(): { paths: Record<string, { serverRelativeURL: string }> } {
  build();
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of [...v3Hashes!.keys()].sort()) paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${v3Hashes!.get(gv)}` };
  return { paths };
}

/** The OpenAPI 3 document for e.g. `api/v1` or `apis/apps/v1`. */
export function openapiV3Document(path: string): Buffer | undefined {
  build();
  return v3Docs!.get(path.replace(/\?.*$/, '').replace(/\/$/, ''));
}

function build(): void {
  if (v3Docs) return;
  const spec = OpenApiSpec.shared();
  const byGv = new Map<string, Record<string, unknown>>();
  for (const [path, item] of Object.entries(spec.doc.paths)) {
    const gv = documentOf(path);
    if (!gv) continue;
    let paths = byGv.get(gv);
    if (!paths) byGv.set(gv, (paths = {}));
    paths[path] = convertPathItem(item as Record<string, unknown>, spec);
  }
  const customSchemas = new Map<string, Record<string, unknown>>();
  for (const r of custom) {
    const gv = `apis/${r.group}/${r.version}`;
    let paths = byGv.get(gv);
    if (!paths) byGv.set(gv, (paths = {}));
    Object.assign(paths, customResourcePaths(r));
    let schemas = customSchemas.get(gv);
    if (!schemas) customSchemas.set(gv, (schemas = {}));
    Object.assign(schemas, customResourceDefinitions(r, '#/components/schemas/', false));
  }
  v3Docs = new Map();
  v3Hashes = new Map();
  for (const [gv, paths] of byGv) {
    const body = v3Document(paths, { ...customSchemas.get(gv) }, spec);
    v3Docs.set(gv, body);
    v3Hashes.set(gv, v3Hash(body));
  }
}

/**
 * The OpenAPI 3 document of a group-version the shared spec does not hold (one an in-process server
 * of this API server serves), from its Swagger 2 paths and definitions; the shared definitions it
 * reaches (ObjectMeta, Quantity, ...) are added, as to every other document.
 */
export function openapiV3DocumentOf(paths: Record<string, unknown>, definitions: Record<string, SchemaObject>): Buffer {
  const spec = OpenApiSpec.shared();
  const converted = Object.fromEntries(Object.entries(paths).map(([path, item]) => [path, convertPathItem(item as Record<string, unknown>, spec)]));
  const schemas = Object.fromEntries(Object.entries(definitions).map(([name, def]) => [name, rewriteRefs(def)]));
  return v3Document(converted, schemas, spec);
}

/** The hash a /openapi/v3 index entry's serverRelativeURL carries for a document. */
export function v3Hash(body: Buffer): string {
  return createHash('sha512').update(body).digest('hex').toUpperCase();
}

/** A document of converted `paths` and `schemas`, with every shared definition they reach. */
function v3Document(paths: Record<string, unknown>, schemas: Record<string, unknown>, spec: OpenApiSpec): Buffer {
  const pending = [...collectRefs(paths), ...collectRefs(schemas)];
  while (pending.length) {
    const name = pending.pop()!;
    if (schemas[name]) continue;
    const def = spec.definition(name);
    if (!def) continue;
    schemas[name] = rewriteRefs(ONE_OF_TYPES[name] ? withOneOf(def, ONE_OF_TYPES[name]) : def);
    pending.push(...collectRefs(def));
  }
  const doc = {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: {
      schemas,
      securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } },
    },
  };
  return Buffer.from(JSON.stringify(doc));
}

/**
 * A custom resource's read paths (object and list), enough for clients that find a resource's
 * kind from its paths, as `kubectl explain` does.
 */
function customResourcePaths(r: (typeof custom)[number]): Record<string, unknown> {
  const base = `/apis/${r.group}/${r.version}/${r.namespaced ? 'namespaces/{namespace}/' : ''}${r.resource}`;
  const gvk = { group: r.group, version: r.version, kind: r.kind };
  const op = (action: string, kind: string) => ({
    operationId: `${action === 'list' ? 'list' : 'read'}${r.kind}`,
    responses: { 200: { description: 'OK', content: { 'application/json': { schema: { $ref: `#/components/schemas/${definitionName(r, kind)}` } } } } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
  });
  return { [base]: { get: op('list', r.listKind) }, [`${base}/{name}`]: { get: op('get', r.kind) } };
}

function convertPathItem(item: Record<string, unknown>, spec: OpenApiSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const shared = ((item.parameters ?? []) as V2Parameter[]).map(p => resolveParam(p, spec));
  const sharedV3 = shared.filter(p => p.in !== 'body').map(paramV3);
  if (sharedV3.length) out.parameters = sharedV3;
  for (const [method, raw] of Object.entries(item)) {
    if (method === 'parameters' || typeof raw !== 'object' || raw === null) continue;
    const op = raw as V2Operation;
    // `schemes` has no place in OpenAPI 3 (servers replace it), so it is dropped with the rest.
    const { parameters, responses, consumes, produces, schemes: _schemes, ...rest } = op;
    const params = (parameters ?? []).map(p => resolveParam(p, spec));
    const body = params.find(p => p.in === 'body') ?? shared.find(p => p.in === 'body');
    const converted: Record<string, unknown> = { ...rewriteRefs(rest as SchemaObject) };
    const nonBody = params.filter(p => p.in !== 'body').map(paramV3);
    if (nonBody.length) converted.parameters = nonBody;
    if (body?.schema) {
      converted.requestBody = {
        content: Object.fromEntries((consumes ?? ['application/json']).map(ct => [ct, { schema: rewriteRefs(body.schema!) }])),
        required: body.required ?? false,
      };
    }
    const responsesV3: Record<string, unknown> = {};
    for (const [code, r] of Object.entries(responses ?? {})) {
      responsesV3[code] = r.schema
        ? { description: r.description ?? '', content: Object.fromEntries((produces ?? ['application/json']).map(ct => [ct, { schema: rewriteRefs(r.schema!) }])) }
        : { description: r.description ?? '' };
    }
    converted.responses = responsesV3;
    out[method] = converted;
  }
  return out;
}

/**
 * Types that v2 can only call strings but that accept more; upstream's v3 describes them with
 * oneOf and no `type` (kube-openapi's OpenAPIV3OneOfTypes), which is also what makes
 * `kubectl explain` print <IntOrString> and <Quantity> instead of <string>.
 */
const ONE_OF_TYPES: Record<string, string[]> = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': ['integer', 'string'],
  'io.k8s.apimachinery.pkg.api.resource.Quantity': ['string', 'number'],
};

function withOneOf(def: SchemaObject, types: string[]): Record<string, unknown> {
  const { type: _type, ...rest } = def;
  return { ...rest, oneOf: types.map(type => ({ type })) };
}

function resolveParam(p: V2Parameter, spec: OpenApiSpec): V2Parameter {
  if (!p.$ref) return p;
  const name = p.$ref.replace('#/parameters/', '');
  return (spec.doc.parameters?.[name] as V2Parameter | undefined) ?? p;
}

function paramV3(p: V2Parameter): Record<string, unknown> {
  const { type, uniqueItems, schema, ...rest } = p;
  return { ...rest, schema: schema ? rewriteRefs(schema) : { type: type ?? 'string', ...(uniqueItems ? { uniqueItems: true } : {}) } };
}

/**
 * Points refs at components/schemas. A $ref with siblings (e.g. a description) becomes
 * `allOf: [{$ref}]` as upstream publishes it, since OpenAPI 3.0 ignores a $ref's siblings and
 * `kubectl explain` names such fields by the referenced type (e.g. <IntOrString>).
 */
function rewriteRefs<T>(value: T): T {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v !== 'object' || v === null) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = k === '$ref' && typeof x === 'string' ? x.replace('#/definitions/', '#/components/schemas/') : walk(x);
    if (typeof out.$ref === 'string' && Object.keys(out).length > 1) {
      const { $ref, ...rest } = out;
      return { allOf: [{ $ref }], ...rest };
    }
    return out;
  };
  return walk(value) as T;
}

/** The schema names `value` refers to (`#/definitions/X` or `#/components/schemas/X`), repeats included. */
export function collectRefs(value: unknown): string[] {
  const out: string[] = [];
  const text = JSON.stringify(value);
  for (const m of text.matchAll(/"#\/(?:definitions|components\/schemas)\/([^"]+)"/g)) out.push(m[1]);
  return out;
}
