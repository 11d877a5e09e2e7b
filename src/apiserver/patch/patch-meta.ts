// Strategic-merge metadata read from the OpenAPI schema: for each field, its patch strategy
// (`x-kubernetes-patch-strategy`, e.g. "merge", "retainKeys", "merge,retainKeys", "replace") and the
// merge key of list items (`x-kubernetes-patch-merge-key`). Upstream reads the same facts from Go
// struct tags; the published OpenAPI carries them verbatim.
import type { OpenApiSpec, SchemaObject } from '../../api/schema.js';
import { badPatch } from './errors.js';

export interface FieldPatchMeta {
  /** '' (default: maps merge, lists replace), 'merge' or 'replace'. */
  strategy: string;
  retainKeys: boolean;
  mergeKey: string;
}

/** A position in the schema while walking a patch; an absent schema means "no metadata". */
export class PatchMetaCursor {
  constructor(private readonly spec: OpenApiSpec, private readonly schema: SchemaObject | undefined) {}

  /** Metadata for `name` and the cursor for its value (for lists: for their items). */
  field(name: string): { meta: FieldPatchMeta; value: PatchMetaCursor } {
    const raw = this.schema ? this.spec.property(this.schema, name) : undefined;
    const meta = parseStrategy(raw);
    const resolved = this.spec.resolve(raw);
    const value = resolved?.type === 'array' || resolved?.items ? this.spec.items(resolved) : raw;
    return { meta, value: new PatchMetaCursor(this.spec, value) };
  }
}

function parseStrategy(schema: SchemaObject | undefined): FieldPatchMeta {
  const strategies = (schema?.['x-kubernetes-patch-strategy'] ?? '').split(',').map(s => s.trim()).filter(Boolean);
  const retainKeys = strategies.includes('retainKeys');
  const others = strategies.filter(s => s !== 'retainKeys');
  // As upstream's extractRetainKeysPatchStrategy: at most one strategy besides retainKeys.
  if (others.length > 1) throw badPatch(`unexpected patch strategy: ${strategies.join(',')}`);
  return { strategy: others[0] ?? '', retainKeys, mergeKey: schema?.['x-kubernetes-patch-merge-key'] ?? '' };
}
