// ObjectMeta rules every kind shares (apimachinery pkg/api/validation/objectmeta.go).
import { fieldErrors, type FieldError } from '../errors.js';
import { goStringSlice, invalidGo } from './go-value.js';
import { dns1123Label, labelValue, maskTrailingDash, qualifiedName } from './names.js';
import type { NameValidator, Obj } from './types.js';

const TOTAL_ANNOTATION_SIZE = 256 * 1024;

export function validateObjectMeta(meta: Obj | undefined, namespaced: boolean, nameCheck: NameValidator): FieldError[] {
  const m = meta ?? {};
  const errs: FieldError[] = [];
  if (m.generateName) {
    for (const msg of nameCheck(maskTrailingDash(m.generateName))) errs.push(fieldErrors.invalid('metadata.generateName', m.generateName, msg));
  }
  if (!m.name) errs.push(fieldErrors.required('metadata.name', 'name or generateName is required'));
  else for (const msg of nameCheck(m.name)) errs.push(fieldErrors.invalid('metadata.name', m.name, msg));
  if (namespaced) {
    if (!m.namespace) errs.push(fieldErrors.required('metadata.namespace'));
    else for (const msg of dns1123Label(m.namespace)) errs.push(fieldErrors.invalid('metadata.namespace', m.namespace, msg));
  } else if (m.namespace) {
    errs.push(fieldErrors.forbidden('metadata.namespace', 'not allowed on this type'));
  }
  if (typeof m.generation === 'number' && m.generation < 0) errs.push(fieldErrors.invalid('metadata.generation', m.generation, 'must be greater than or equal to 0'));
  errs.push(...validateLabels(m.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(m.annotations, 'metadata.annotations'));
  errs.push(...validateOwnerReferences(m.ownerReferences ?? [], 'metadata.ownerReferences'));
  errs.push(...validateFinalizers(m.finalizers ?? [], 'metadata.finalizers'));
  return errs;
}

/** Labels (and label-like maps such as selectors): qualified-name keys and short values. */
export function validateLabels(labels: unknown, path: string): FieldError[] {
  if (labels === undefined || labels === null) return [];
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
    for (const msg of qualifiedName(k)) errs.push(fieldErrors.invalid(path, k, msg));
    for (const msg of labelValue(String(v ?? ''))) errs.push(fieldErrors.invalid(path, v, msg));
  }
  return errs;
}

export function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  if (annotations === undefined || annotations === null) return [];
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations as Record<string, unknown>)) {
    // Keys are case-insensitive for validation: upstream lowercases before checking.
    for (const msg of qualifiedName(k.toLowerCase())) errs.push(fieldErrors.invalid(path, k, msg));
    size += Buffer.byteLength(k) + Buffer.byteLength(String(v ?? ''));
  }
  if (size > TOTAL_ANNOTATION_SIZE) errs.push(fieldErrors.tooLong(path, TOTAL_ANNOTATION_SIZE));
  return errs;
}

// Upstream reports owner reference fields without an index (fldPath.Child, not Index).
function validateOwnerReferences(refs: Obj[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  for (const ref of refs) {
    const version = String(ref.apiVersion ?? '').split('/').pop();
    if (!version) errs.push(fieldErrors.invalid(`${path}.apiVersion`, ref.apiVersion ?? '', 'version must not be empty'));
    if (!ref.kind) errs.push(fieldErrors.invalid(`${path}.kind`, ref.kind ?? '', 'kind must not be empty'));
    if (!ref.name) errs.push(fieldErrors.invalid(`${path}.name`, ref.name ?? '', 'name must not be empty'));
    if (!ref.uid) errs.push(fieldErrors.invalid(`${path}.uid`, ref.uid ?? '', 'uid must not be empty'));
    if (ref.controller === true) {
      const current = `${ref.kind}/${ref.name}`;
      if (firstController) {
        errs.push(fieldErrors.invalid(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`));
      } else firstController = current;
    }
  }
  return errs;
}

function validateFinalizers(finalizers: string[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of finalizers) for (const msg of qualifiedName(f)) errs.push(fieldErrors.invalid(path, f, msg));
  if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    errs.push(invalidGo(path, goStringSlice(finalizers), 'finalizer orphan and foregroundDeletion cannot be both set', finalizers));
  }
  return errs;
}

/** ValidateObjectMetaUpdate: identity and server-set fields never change. */
export function validateObjectMetaUpdate(meta: Obj | undefined, oldMeta: Obj | undefined): FieldError[] {
  const m = meta ?? {};
  const o = oldMeta ?? {};
  const errs: FieldError[] = [];
  if (o.deletionTimestamp) {
    const added = (m.finalizers ?? []).filter((f: string) => !(o.finalizers ?? []).includes(f));
    if (added.length) errs.push(fieldErrors.forbidden('metadata.finalizers', `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(added)}`));
  }
  if ((m.generation ?? 0) < (o.generation ?? 0)) errs.push(fieldErrors.invalid('metadata.generation', m.generation ?? 0, 'must not be decremented'));
  for (const f of ['name', 'namespace', 'uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds']) {
    if ((m[f] ?? '') !== (o[f] ?? '')) errs.push(immutable(`metadata.${f}`, m[f] ?? ''));
  }
  return errs;
}

/** ValidateImmutableField's error. */
export function immutable(path: string, value: unknown): FieldError {
  return fieldErrors.invalid(path, value, 'field is immutable');
}
