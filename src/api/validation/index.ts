// Validation entry points the generic store calls on every create and update: ObjectMeta rules
// for every kind, then the kind's own (upstream's ValidateX and ValidateXUpdate), which each
// resource's strategy names (apiserver/registry/strategies/<resource>.ts).
import type { FieldError } from '../errors.js';
import { dns1123Subdomain } from './names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import type { KindRules, Obj } from './types.js';

export interface ValidationOptions {
  namespaced: boolean;
}

export function validateCreate(rules: KindRules, obj: Obj, opts: ValidationOptions): FieldError[] {
  return [
    ...validateObjectMeta(obj.metadata, opts.namespaced, rules.name ?? dns1123Subdomain),
    ...(rules.validate?.(obj) ?? []),
  ];
}

export function validateUpdate(rules: KindRules, obj: Obj, old: Obj, opts: ValidationOptions): FieldError[] {
  return [
    ...validateObjectMeta(obj.metadata, opts.namespaced, rules.name ?? dns1123Subdomain),
    ...validateObjectMetaUpdate(obj.metadata, old.metadata),
    ...(rules.validate?.(obj, old) ?? []),
    ...(rules.validateUpdate?.(obj, old) ?? []),
  ];
}
