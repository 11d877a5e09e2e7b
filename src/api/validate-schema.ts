// Schema-driven field checks for `fieldValidation`: which fields of a decoded object the kind's
// OpenAPI schema does not declare, named as upstream's strict decoder names them
// (e.g. `spec.containers[0].bogus`).
import { OpenApiSpec, type GroupVersionKind, type SchemaObject } from './schema.js';

// Types whose content is free-form even though the schema gives them no properties.
const FREE_FORM = new Set([
  'io.k8s.apimachinery.pkg.runtime.RawExtension',
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1',
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
  'io.k8s.apimachinery.pkg.api.resource.Quantity',
]);

export function findUnknownFields(gvk: GroupVersionKind, obj: unknown, spec = OpenApiSpec.shared()): string[] {
  const root = spec.schemaFor(gvk);
  if (!root) return [];
  const out: string[] = [];
  walk(spec, root, obj, '', out);
  return out;
}

function walk(spec: OpenApiSpec, schemaRef: SchemaObject, value: unknown, path: string, out: string[]): void {
  if (value === null || value === undefined) return;
  const ref = spec.refName(schemaRef);
  if (ref && FREE_FORM.has(ref)) return;
  const schema = spec.resolve(schemaRef);
  if (!schema || schema['x-kubernetes-preserve-unknown-fields'] || schema['x-kubernetes-int-or-string']) return;
  if (Array.isArray(value)) {
    if (schema.items) value.forEach((v, i) => walk(spec, schema.items!, v, `${path}[${i}]`, out));
    return;
  }
  if (typeof value !== 'object') return;
  if (schema.properties) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const child = schema.properties[k];
      const childPath = path ? `${path}.${k}` : k;
      if (!child) out.push(childPath);
      else walk(spec, child, v, childPath, out);
    }
  } else if (typeof schema.additionalProperties === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(spec, schema.additionalProperties, v, path ? `${path}.${k}` : k, out);
  }
}
