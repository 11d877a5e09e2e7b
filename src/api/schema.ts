// Access to the Kubernetes OpenAPI v2 spec that ships with k8ts (openapi/swagger-v1.32.json).
// Discovery, validation, defaults, `kubectl explain` and strategic-merge metadata all read the
// schema through this one module instead of hand-written copies.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** The subset of an OpenAPI v2 schema object that Kubernetes uses, with its extensions. */
export interface SchemaObject {
  $ref?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  description?: string;
  properties?: Record<string, SchemaObject>;
  additionalProperties?: SchemaObject | boolean;
  items?: SchemaObject;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  'x-kubernetes-group-version-kind'?: GroupVersionKind[];
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-unions'?: unknown[];
}

export interface SwaggerDocument {
  swagger: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, unknown>>;
  definitions: Record<string, SchemaObject>;
  parameters?: Record<string, unknown>;
  security?: unknown[];
  securityDefinitions?: Record<string, unknown>;
}

const SPEC_PATH = fileURLToPath(new URL('../../../openapi/swagger-v1.32.json', import.meta.url));
const REF_PREFIX = '#/definitions/';

export class OpenApiSpec {
  private readonly byGvk = new Map<string, string>();
  /** Definition names by $ref ('' for a $ref outside the definitions). */
  private readonly refNames = new Map<string, string>();

  constructor(readonly doc: SwaggerDocument) {
    for (const [name, def] of Object.entries(doc.definitions)) {
      for (const gvk of def['x-kubernetes-group-version-kind'] ?? []) {
        const key = gvkKey(gvk);
        // meta/v1 types (DeleteOptions, WatchEvent, ...) are tagged with every group; keep the first.
        if (!this.byGvk.has(key)) this.byGvk.set(key, name);
      }
    }
  }

  /** Loaded once per process: the spec is ~3 MB and immutable. */
  static shared(): OpenApiSpec {
    sharedSpec ??= new OpenApiSpec(JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as SwaggerDocument);
    return sharedSpec;
  }

  definition(name: string): SchemaObject | undefined {
    return this.doc.definitions[name];
  }

  /** Definition name (e.g. io.k8s.api.core.v1.Pod) for a kind, if the spec has it. */
  definitionNameFor(gvk: GroupVersionKind): string | undefined {
    return this.byGvk.get(gvkKey(gvk));
  }

  schemaFor(gvk: GroupVersionKind): SchemaObject | undefined {
    const name = this.definitionNameFor(gvk);
    return name ? this.doc.definitions[name] : undefined;
  }

  /** Follows $ref links until a concrete schema; unknown refs resolve to undefined. */
  resolve(schema: SchemaObject | undefined): SchemaObject | undefined {
    let s = schema;
    for (let hops = 0; s?.$ref && hops < 32; hops++) {
      const name = this.refName(s);
      s = name === undefined ? undefined : this.doc.definitions[name];
    }
    return s;
  }

  /** Definition name a schema refers to, e.g. for `$ref: #/definitions/io.k8s...Container`. */
  refName(schema: SchemaObject | undefined): string | undefined {
    const ref = schema?.$ref;
    if (ref === undefined) return undefined;
    // Request bodies are walked along their schema on every write: each $ref is cut to its name
    // once, rather than into a new string at every field that has one.
    let name = this.refNames.get(ref);
    if (name === undefined) this.refNames.set(ref, name = ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : '');
    return name || undefined;
  }

  /** The resolved schema of a named property (undefined for free-form objects or unknown fields). */
  property(schema: SchemaObject | undefined, name: string): SchemaObject | undefined {
    const s = this.resolve(schema);
    if (!s) return undefined;
    if (s.properties && Object.hasOwn(s.properties, name)) return s.properties[name];
    if (typeof s.additionalProperties === 'object') return s.additionalProperties;
    return undefined;
  }

  /** The schema of an array's elements. */
  items(schema: SchemaObject | undefined): SchemaObject | undefined {
    return this.resolve(schema)?.items;
  }
}

let sharedSpec: OpenApiSpec | undefined;

function gvkKey(g: GroupVersionKind): string {
  return `${g.group}/${g.version}/${g.kind}`;
}
