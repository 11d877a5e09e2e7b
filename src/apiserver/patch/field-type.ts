// How server-side apply sees each position of an object, derived from the OpenAPI schema as
// upstream's structured-merge-diff derives it: structs and maps are granular (each field owned on
// its own) unless `x-kubernetes-map-type: atomic`; lists are atomic unless `x-kubernetes-list-type`
// says `map` (items keyed by `x-kubernetes-list-map-keys`) or `set`; positions the schema does not
// describe are "deduced" from the value (maps granular, lists atomic).
import type { OpenApiSpec, SchemaObject } from '../../api/schema.js';
import { getKey } from '../../util/data-keys.js';
import { isJsonObject, type JsonObject, type JsonValue } from './json.js';

export type FieldKind = 'struct' | 'map' | 'list-map' | 'list-set' | 'atomic' | 'deduced';

// Key fields the API server defaults, so an applied item that omits them still matches the stored
// item (upstream gets this from defaults in its own schema, which the published OpenAPI lacks).
const KEY_FIELD_DEFAULTS: Record<string, JsonValue> = { protocol: 'TCP' };

/**
 * Types made so far, per spec and schema object: a type depends on nothing else, and every write
 * walks the same positions of the same few kinds (one FieldType per field per write otherwise).
 */
const made = new WeakMap<OpenApiSpec, { deduced: FieldType; bySchema: WeakMap<SchemaObject, FieldType> }>();

export class FieldType {
  readonly kind: FieldKind;
  readonly keys: string[];
  /** Types of named fields and of list items, resolved on first use. */
  private readonly fields = new Map<string, FieldType>();
  private itemType?: FieldType;
  /** `keys` in the order item elements spell them. */
  private readonly sortedKeys: string[];

  private constructor(private readonly spec: OpenApiSpec, private readonly schema: SchemaObject | undefined) {
    [this.kind, this.keys] = classify(spec, schema);
    this.sortedKeys = [...this.keys].sort();
  }

  static root(spec: OpenApiSpec, schema: SchemaObject | undefined): FieldType {
    let types = made.get(spec);
    if (!types) made.set(spec, types = { deduced: new FieldType(spec, undefined), bySchema: new WeakMap() });
    if (!schema) return types.deduced;
    let t = types.bySchema.get(schema);
    if (!t) types.bySchema.set(schema, t = new FieldType(spec, schema));
    return t;
  }

  /** The type of a field of a struct or map. */
  field(name: string): FieldType {
    if (this.kind === 'deduced') return this;
    // Only declared fields are remembered by name: a map's keys (labels, ConfigMap keys) and unknown
    // fields are data, whose types are found through the schema cache.
    let t = this.fields.get(name);
    if (t) return t;
    t = FieldType.root(this.spec, this.spec.property(this.schema, name));
    if (this.kind === 'struct' && Object.hasOwn(this.spec.resolve(this.schema)?.properties ?? {}, name)) this.fields.set(name, t);
    return t;
  }

  /** The type of a list's items. */
  item(): FieldType {
    return this.itemType ??= FieldType.root(this.spec, this.spec.items(this.schema));
  }

  /** What `value` is treated as here: deduced positions follow the value's shape. */
  kindFor(value: JsonValue | undefined): FieldKind {
    if (this.kind !== 'deduced') return this.kind;
    return isJsonObject(value) ? 'map' : 'atomic';
  }

  /** The path element naming `item` within this list. */
  itemElement(item: JsonValue, index: number): string {
    if (this.kind === 'list-set') return 'v:' + JSON.stringify(item);
    if (this.kind === 'list-map' && isJsonObject(item)) {
      const key: JsonObject = {};
      for (const k of this.sortedKeys) {
        const v = getKey(item, k) ?? getKey(KEY_FIELD_DEFAULTS, k);
        if (v !== undefined) key[k] = v;
      }
      return 'k:' + JSON.stringify(key);
    }
    return 'i:' + index;
  }
}

function classify(spec: OpenApiSpec, raw: SchemaObject | undefined): [FieldKind, string[]] {
  const s = spec.resolve(raw);
  if (!raw || !s) return ['deduced', []];
  if (s.type === 'array' || s.items) {
    const listType = raw['x-kubernetes-list-type'] ?? s['x-kubernetes-list-type'];
    if (listType === 'map') return ['list-map', raw['x-kubernetes-list-map-keys'] ?? s['x-kubernetes-list-map-keys'] ?? []];
    if (listType === 'set') return ['list-set', []];
    if (listType === undefined && (raw['x-kubernetes-patch-strategy'] ?? '').split(',').includes('merge')) {
      // Older schemas only carry the strategic-merge tags; upstream's converter reads them the same way.
      const mergeKey = raw['x-kubernetes-patch-merge-key'];
      return mergeKey ? ['list-map', [mergeKey]] : ['list-set', []];
    }
    return ['atomic', []];
  }
  if ((raw['x-kubernetes-map-type'] ?? s['x-kubernetes-map-type']) === 'atomic') return ['atomic', []];
  if (s.properties) return ['struct', []];
  if (typeof s.additionalProperties === 'object') return ['map', []];
  if (s.type === 'object' || s['x-kubernetes-preserve-unknown-fields']) return ['deduced', []];
  return ['atomic', []];
}
