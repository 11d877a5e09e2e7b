// ObjectMeta checks every kind shares (apimachinery api/validation/objectmeta.go).
import { fieldErrors, type FieldError } from '../errors.js';
import type { KubeObject } from '../object.js';
import { dns1123Label, dns1123Subdomain, labelValue, pathSegmentName, qualifiedName } from './names.js';

export type NameValidator = (name: string) => string[];

const TOTAL_ANNOTATION_SIZE = 256 * 1024;

export function validateObjectMeta(obj: KubeObject, namespaced: boolean, nameCheck: NameValidator): FieldError[] {
  const m = obj.metadata ?? {};
  const errs: FieldError[] = [];
  if (!m.name) {
    errs.push(fieldErrors.required('metadata.name', 'name or generateName is required'));
  } else {
    for (const msg of nameCheck(m.name)) errs.push(fieldErrors.invalid('metadata.name', m.name, msg));
  }
  if (m.generateName) {
    // generateName is checked without the random suffix it will get.
    for (const msg of nameCheck(m.generateName.replace(/-$/, '') || 'x')) errs.push(fieldErrors.invalid('metadata.generateName', m.generateName, msg));
  }
  if (namespaced) {
    if (!m.namespace) errs.push(fieldErrors.required('metadata.namespace'));
    else for (const msg of dns1123Label(m.namespace)) errs.push(fieldErrors.invalid('metadata.namespace', m.namespace, msg));
  } else if (m.namespace) {
    errs.push(fieldErrors.forbidden('metadata.namespace', 'not allowed on this type'));
  }
  errs.push(...validateLabels(m.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(m.annotations, 'metadata.annotations'));
  for (const [i, f] of (m.finalizers ?? []).entries()) {
    for (const msg of qualifiedName(f)) errs.push(fieldErrors.invalid(`metadata.finalizers[${i}]`, f, msg));
  }
  for (const [i, o] of (m.ownerReferences ?? []).entries()) {
    const p = `metadata.ownerReferences[${i}]`;
    if (!o.apiVersion) errs.push(fieldErrors.invalid(`${p}.apiVersion`, o.apiVersion ?? '', 'version must not be empty'));
    if (!o.kind) errs.push(fieldErrors.invalid(`${p}.kind`, o.kind ?? '', 'kind must not be empty'));
    if (!o.name) errs.push(fieldErrors.invalid(`${p}.name`, o.name ?? '', 'name must not be empty'));
    if (!o.uid) errs.push(fieldErrors.invalid(`${p}.uid`, o.uid ?? '', 'uid must not be empty'));
  }
  if ((m.ownerReferences ?? []).filter(o => o.controller).length > 1) {
    errs.push(fieldErrors.invalid('metadata.ownerReferences', m.ownerReferences, 'Only one reference can have Controller set to true'));
  }
  return errs;
}

export function validateLabels(labels: unknown, path: string): FieldError[] {
  if (labels === undefined || labels === null) return [];
  if (typeof labels !== 'object') return [fieldErrors.invalid(path, labels, 'must be a map of strings')];
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
    for (const msg of qualifiedName(k)) errs.push(fieldErrors.invalid(path, k, msg));
    if (typeof v !== 'string') errs.push(fieldErrors.invalid(`${path}.${k}`, v, 'must be a string'));
    else for (const msg of labelValue(v)) errs.push(fieldErrors.invalid(path, v, msg));
  }
  return errs;
}

function validateAnnotations(ann: unknown, path: string): FieldError[] {
  if (ann === undefined || ann === null) return [];
  if (typeof ann !== 'object') return [fieldErrors.invalid(path, ann, 'must be a map of strings')];
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(ann as Record<string, unknown>)) {
    for (const msg of qualifiedName(k.toLowerCase())) errs.push(fieldErrors.invalid(path, k, msg));
    size += k.length + String(v).length;
  }
  if (size > TOTAL_ANNOTATION_SIZE) errs.push(fieldErrors.tooLong(path, TOTAL_ANNOTATION_SIZE));
  return errs;
}

export function validateObjectMetaUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const m = obj.metadata;
  const o = old.metadata;
  if (m.name !== o.name) errs.push(fieldErrors.invalid('metadata.name', m.name, 'field is immutable'));
  if ((m.namespace ?? '') !== (o.namespace ?? '')) errs.push(fieldErrors.invalid('metadata.namespace', m.namespace, 'field is immutable'));
  return errs;
}

/** Which name rule a kind uses (upstream's per-kind ValidateXName). */
export function nameValidatorFor(group: string, kind: string): NameValidator {
  if (group === '' && (kind === 'Namespace' || kind === 'Service' || kind === 'ReplicationController')) return dns1123Label;
  if (group === 'rbac.authorization.k8s.io') return pathSegmentName;
  if (group === 'apps' && kind === 'StatefulSet') return dns1123Label;
  if (group === 'batch' && kind === 'CronJob') return dns1123Subdomain;
  return dns1123Subdomain;
}
