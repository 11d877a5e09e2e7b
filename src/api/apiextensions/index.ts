// PLACEHOLDER for crd-schema's module (issue 13): the agreed interface with no behaviour — nothing
// is pruned, defaulted or rejected. The coordinator takes crd-schema's version of this file at merge.
import type { FieldError } from '../errors.js';
import type { CustomResourceDefinition } from '../types/generated.js';

export function validateCustomResourceDefinition(_crd: CustomResourceDefinition, _old?: CustomResourceDefinition): FieldError[] {
  return [];
}

export interface CompiledCustomResourceSchema {
  prune(obj: Record<string, unknown>): void;
  applyDefaults(obj: Record<string, unknown>): void;
  validate(obj: Record<string, unknown>, old?: Record<string, unknown>): FieldError[];
  openAPIV3(): Record<string, unknown>;
}

export function compileCustomResourceSchema(crd: CustomResourceDefinition, version: string): CompiledCustomResourceSchema {
  const schema = crd.spec.versions.find(v => v.name === version)?.schema?.openAPIV3Schema ?? {};
  return {
    prune() {},
    applyDefaults() {},
    validate() { return []; },
    openAPIV3: () => schema as Record<string, unknown>,
  };
}
