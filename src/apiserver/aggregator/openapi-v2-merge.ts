// Merging extension API servers' Swagger 2.0 documents into the cluster's /openapi/v2, as
// kube-aggregator's v2 aggregation does (kube-openapi's FilterSpecByPathsWithoutSideEffects and
// MergeSpecsIgnorePathConflictRenamingDefinitionsAndParameters): each extension keeps only its
// `/apis/` paths and the definitions they reach; a path already present stays as it was (the
// earlier, higher-priority document wins); a definition whose name is taken by a different one is
// renamed `<name>_v2` (`_v3`, ...) together with the references in its own document, and one equal
// to the existing definition (their group-version-kinds aside) is merged into it.
import { collectRefs } from '../../api/openapi-docs.js';
import { deepEqual, isJsonObject, type JsonObject, type JsonValue } from '../patch/json.js';

export interface SwaggerDocument extends JsonObject {
  paths: JsonObject;
  definitions: JsonObject;
}

const GVK = 'x-kubernetes-group-version-kind';
const DEFINITION_REF = '#/definitions/';

/** `base` with each extension's document merged in, in order; `base` itself is not changed. */
export function mergeSwaggerDocuments(base: SwaggerDocument, extensions: JsonValue[]): SwaggerDocument {
  const merged: SwaggerDocument = { ...base, paths: { ...base.paths }, definitions: { ...base.definitions } };
  for (const ext of extensions) {
    const own = apisOnly(ext);
    if (own) mergeInto(merged, own);
  }
  return merged;
}

/** The document's `/apis/` paths and the definitions they reach; undefined when it is no Swagger document. */
function apisOnly(doc: JsonValue): SwaggerDocument | undefined {
  if (!isJsonObject(doc) || !isJsonObject(doc.paths)) return undefined;
  const definitions = isJsonObject(doc.definitions) ? doc.definitions : {};
  const paths = Object.fromEntries(Object.entries(doc.paths).filter(([p]) => p.startsWith('/apis/')));
  const reached: JsonObject = {};
  const pending = collectRefs(paths);
  while (pending.length) {
    const name = pending.pop()!;
    if (name in reached || !(name in definitions)) continue;
    reached[name] = definitions[name];
    pending.push(...collectRefs(definitions[name]));
  }
  return { paths, definitions: reached };
}

function mergeInto(dest: SwaggerDocument, source: SwaggerDocument): void {
  const renames = new Map<string, string>();
  for (const [name, def] of Object.entries(source.definitions)) {
    const existing = dest.definitions[name];
    if (existing === undefined || equalModuloGVKs(existing, def)) continue;
    let i = 1;
    let candidate: string;
    let reuse = false;
    do {
      candidate = `${name}_v${++i}`;
      const taken = dest.definitions[candidate];
      if (taken !== undefined && equalModuloGVKs(taken, def)) reuse = true;
    } while (!reuse && (dest.definitions[candidate] !== undefined || candidate in source.definitions || [...renames.values()].includes(candidate)));
    renames.set(name, candidate);
  }
  const renamed = renames.size ? renameRefs(source, renames) as SwaggerDocument : source;
  for (const [name, def] of Object.entries(renamed.definitions)) {
    const target = renames.get(name) ?? name;
    const existing = dest.definitions[target];
    dest.definitions[target] = existing === undefined ? def : withMergedGVKs(existing, def);
  }
  for (const [path, item] of Object.entries(renamed.paths)) {
    if (!(path in dest.paths)) dest.paths[path] = item;
  }
}

function equalModuloGVKs(a: JsonValue, b: JsonValue): boolean {
  if (!isJsonObject(a) || !isJsonObject(b)) return deepEqual(a, b);
  const { [GVK]: _a, ...restA } = a;
  const { [GVK]: _b, ...restB } = b;
  return deepEqual(restA, restB);
}

/** An existing definition that an equal one (kinds aside) joins: the union of their group-version-kinds. */
function withMergedGVKs(existing: JsonValue, added: JsonValue): JsonValue {
  if (!isJsonObject(existing) || !isJsonObject(added) || !Array.isArray(added[GVK])) return existing;
  const kinds = Array.isArray(existing[GVK]) ? [...existing[GVK]] : [];
  for (const k of added[GVK]) if (!kinds.some(e => deepEqual(e, k))) kinds.push(k);
  return { ...existing, [GVK]: kinds };
}

/** `value` with every `#/definitions/<old>` reference (and definition key) renamed. */
function renameRefs(value: JsonValue, renames: Map<string, string>): JsonValue {
  if (Array.isArray(value)) return value.map(v => renameRefs(v, renames));
  if (!isJsonObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith(DEFINITION_REF)) {
      const target = renames.get(v.slice(DEFINITION_REF.length));
      out[k] = target ? DEFINITION_REF + target : v;
    } else {
      out[k] = renameRefs(v, renames);
    }
  }
  return out;
}
