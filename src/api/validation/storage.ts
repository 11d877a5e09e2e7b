// PersistentVolumes and PersistentVolumeClaims (pkg/apis/core/validation: ValidatePersistentVolume,
// ValidatePersistentVolumeClaim and their updates) and StorageClasses (pkg/apis/storage/validation).
// A claim's spec is frozen once created except the storage request (expansion) and the volume
// name the binder fills in once; a volume's source never changes.
import { fieldErrors, type FieldError } from '../errors.js';
import { compareQuantityText, formatQuantity, parseQuantity, quantityError } from '../quantity.js';
import { BETA_STORAGE_CLASS_ANNOTATION } from '../storage-class.js';
import { dns1123Subdomain, qualifiedName } from './names.js';
import { immutable } from './object-meta.js';
import { validateLabelSelector } from './selector.js';
import type { KindRules, Obj } from './types.js';

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const PV_RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];
const CLASS_RECLAIM_POLICIES = ['Delete', 'Retain'];
const VOLUME_MODES = ['Block', 'Filesystem'];
const BINDING_MODES = ['Immediate', 'WaitForFirstConsumer'];
const MAX_PROVISIONER_PARAMETERS = 512;
const MAX_PROVISIONER_PARAMETERS_SIZE = 256 * 1024;

// Upstream's order of PersistentVolumeSource members: a second one present is the one reported.
const PV_SOURCES = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'glusterfs', 'flocker', 'nfs', 'rbd', 'quobyte', 'cephfs', 'iscsi',
  'cinder', 'fc', 'flexVolume', 'azureFile', 'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'scaleIO',
  'local', 'storageos', 'csi',
];

/** A map field as an object, whatever a hostile body put there (the schema check reports the type). */
const asMap = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? v as Obj : {});

function validateAccessModes(modes: unknown, path: string, requiredDetail: string): FieldError[] {
  const list = Array.isArray(modes) ? (modes as string[]) : [];
  const errs: FieldError[] = list.length ? [] : [fieldErrors.required(path, requiredDetail)];
  for (const m of list) if (!ACCESS_MODES.includes(m)) errs.push(fieldErrors.notSupported(path, m, ACCESS_MODES));
  if (list.includes('ReadWriteOncePod') && list.some(m => m !== 'ReadWriteOncePod' && ACCESS_MODES.includes(m))) {
    errs.push(fieldErrors.forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  }
  return errs;
}

/** ValidatePositiveQuantityValue, for capacities and storage requests. */
function positiveQuantity(raw: unknown, path: string): FieldError[] {
  const bad = quantityError(raw);
  if (bad) return [fieldErrors.invalid(path, raw, bad)];
  const q = parseQuantity(raw as string | number);
  return q.digits <= 0n ? [fieldErrors.invalid(path, formatQuantity(q), 'must be greater than zero')] : [];
}

function className(value: unknown, path: string): FieldError[] {
  if (typeof value !== 'string' || !value) return [];
  return dns1123Subdomain(value).map(msg => fieldErrors.invalid(path, value, msg));
}

function validatePersistentVolumeSpec(spec: Obj): FieldError[] {
  const errs = validateAccessModes(spec.accessModes, 'spec.accessModes', '');
  const capacity = asMap(spec.capacity);
  const resources = Object.keys(capacity);
  if (!resources.length) errs.push(fieldErrors.required('spec.capacity'));
  if (!('storage' in capacity) || resources.length > 1) errs.push(fieldErrors.notSupported('spec.capacity', capacity, ['storage']));
  for (const r of resources) errs.push(...positiveQuantity(capacity[r], `spec.capacity[${r}]`));
  const policy = spec.persistentVolumeReclaimPolicy;
  if (policy && !PV_RECLAIM_POLICIES.includes(policy)) errs.push(fieldErrors.notSupported('spec.persistentVolumeReclaimPolicy', policy, PV_RECLAIM_POLICIES));
  const present = PV_SOURCES.filter(s => spec[s]);
  for (const extra of present.slice(1)) errs.push(fieldErrors.forbidden(`spec.${extra}`, 'may not specify more than 1 volume type'));
  if (!present.length) errs.push(fieldErrors.required('spec', 'must specify a volume type'));
  const source = present[0];
  if (source === 'hostPath' && !spec.hostPath.path) errs.push(fieldErrors.required('spec.hostPath.path'));
  if (source === 'local') {
    if (!spec.local.path) errs.push(fieldErrors.required('spec.local.path'));
    if (!spec.nodeAffinity?.required) errs.push(fieldErrors.required('spec.nodeAffinity', 'Local volume requires node affinity'));
  }
  if (source === 'csi') {
    if (!spec.csi.driver) errs.push(fieldErrors.required('spec.csi.driver'));
    if (!spec.csi.volumeHandle) errs.push(fieldErrors.required('spec.csi.volumeHandle'));
  }
  if (source === 'hostPath' && policy === 'Recycle' && normalizedPath(spec.hostPath.path ?? '') === '/') {
    errs.push(fieldErrors.forbidden('spec.persistentVolumeReclaimPolicy', "may not be 'recycle' for a hostPath mount of '/'"));
  }
  errs.push(...className(spec.storageClassName, 'spec.storageClassName'));
  if (spec.volumeMode !== undefined && !VOLUME_MODES.includes(spec.volumeMode)) errs.push(fieldErrors.notSupported('spec.volumeMode', spec.volumeMode, VOLUME_MODES));
  return errs;
}

/** path.Clean's verdict on whether a path is the root. */
const normalizedPath = (p: string) => (/^\/+(\.\/*|\/)*$/.test(p) ? '/' : p);

function validateClaimSpec(spec: Obj, path: string): FieldError[] {
  const errs = validateAccessModes(spec.accessModes, `${path}.accessModes`, 'at least 1 access mode is required');
  if (spec.selector) errs.push(...validateLabelSelector(spec.selector, `${path}.selector`));
  const requests = asMap(asMap(spec.resources).requests);
  if (!('storage' in requests)) errs.push(fieldErrors.required(`${path}.resources[storage]`));
  else errs.push(...positiveQuantity(requests.storage, `${path}.resources[storage]`));
  errs.push(...className(spec.storageClassName, `${path}.storageClassName`));
  if (spec.volumeMode !== undefined && !VOLUME_MODES.includes(spec.volumeMode)) errs.push(fieldErrors.notSupported(`${path}.volumeMode`, spec.volumeMode, VOLUME_MODES));
  for (const f of ['dataSource', 'dataSourceRef']) {
    const ref = spec[f];
    if (!ref) continue;
    if (!ref.name) errs.push(fieldErrors.required(`${path}.${f}.name`));
    if (!ref.kind) errs.push(fieldErrors.required(`${path}.${f}.kind`));
    if (!ref.apiGroup && ref.kind !== 'PersistentVolumeClaim') errs.push(fieldErrors.invalid(`${path}.${f}`, ref.kind ?? '', "must be 'PersistentVolumeClaim' when referencing the default apiGroup"));
  }
  return errs;
}

/**
 * ValidatePersistentVolumeClaimUpdate: the spec is frozen except the storage request of a bound
 * claim (expansion; never below the previous request), volumeName while still unset, and the move
 * from the beta class annotation (or from no class) to spec.storageClassName.
 */
function validateClaimUpdate(claim: Obj, old: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const next = structuredClone(claim.spec ?? {});
  const prev = structuredClone(old.spec ?? {});
  if (!prev.volumeName) prev.volumeName = next.volumeName;
  const oldAnnotation = old.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
  const newAnnotation = claim.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
  if (oldAnnotation !== newAnnotation) {
    errs.push(fieldErrors.forbidden(`metadata.annotations[${BETA_STORAGE_CLASS_ANNOTATION}]`, 'field is immutable'));
  }
  // A class may be written once into the spec: from the beta annotation's value, or from nothing.
  const fromAnnotation = oldAnnotation !== undefined && prev.storageClassName === undefined && next.storageClassName === oldAnnotation;
  const fromNil = oldAnnotation === undefined && prev.storageClassName === undefined && claim.status?.phase !== 'Bound';
  if (fromAnnotation || fromNil) prev.storageClassName = next.storageClassName;
  const nextRequests = next.resources?.requests;
  if (claim.status?.phase === 'Bound' && nextRequests && typeof nextRequests === 'object') nextRequests.storage = old.spec?.resources?.requests?.storage;
  delete next.volumeAttributesClassName;
  delete prev.volumeAttributesClassName;
  if (JSON.stringify(sorted(next)) !== JSON.stringify(sorted(prev))) {
    errs.push(fieldErrors.forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
  }
  const oldSize = old.spec?.resources?.requests?.storage;
  const newSize = claim.spec?.resources?.requests?.storage;
  if (oldSize !== undefined && newSize !== undefined && !quantityError(oldSize) && !quantityError(newSize) && compareQuantityText(newSize, oldSize) < 0) {
    errs.push(fieldErrors.forbidden('spec.resources.requests.storage', 'field can not be less than previous value'));
  }
  if ((claim.spec?.volumeMode ?? null) !== (old.spec?.volumeMode ?? null)) errs.push(immutable('volumeMode', claim.spec?.volumeMode));
  return errs;
}

/** Key order does not make two specs different. */
function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map(k => [k, sorted((v as Obj)[k])]));
  return v;
}

const sourceOf = (spec: Obj | undefined) => sorted(Object.fromEntries(PV_SOURCES.filter(s => spec?.[s]).map(s => [s, spec![s]])));

function validatePersistentVolumeUpdate(pv: Obj, old: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const next = structuredClone(pv.spec ?? {});
  // A CSI volume may gain the secret its expansion needs.
  if (old.spec?.csi && !old.spec.csi.controllerExpandSecretRef && next.csi?.controllerExpandSecretRef) delete next.csi.controllerExpandSecretRef;
  if (JSON.stringify(sourceOf(next)) !== JSON.stringify(sourceOf(old.spec))) {
    errs.push(fieldErrors.forbidden('spec.persistentvolumesource', 'spec.persistentvolumesource is immutable after creation'));
  }
  if ((pv.spec?.volumeMode ?? null) !== (old.spec?.volumeMode ?? null)) errs.push(immutable('volumeMode', pv.spec?.volumeMode));
  if (old.spec?.nodeAffinity && JSON.stringify(sorted(pv.spec?.nodeAffinity ?? null)) !== JSON.stringify(sorted(old.spec.nodeAffinity))) {
    errs.push(immutable('nodeAffinity', pv.spec?.nodeAffinity));
  }
  return errs;
}

function validateStorageClass(sc: Obj): FieldError[] {
  const errs: FieldError[] = [];
  if (!sc.provisioner) errs.push(fieldErrors.required('provisioner', ''));
  else for (const msg of qualifiedName(String(sc.provisioner).toLowerCase())) errs.push(fieldErrors.invalid('provisioner', String(sc.provisioner).toLowerCase(), msg));
  const params = asMap(sc.parameters);
  const keys = Object.keys(params);
  if (keys.length > MAX_PROVISIONER_PARAMETERS) {
    errs.push(fieldErrors.tooLong('parameters', MAX_PROVISIONER_PARAMETERS));
  } else {
    for (const k of keys) if (!k) errs.push(fieldErrors.invalid('parameters', k, 'field can not be empty.'));
    if (keys.reduce((n, k) => n + Buffer.byteLength(k) + Buffer.byteLength(String(params[k] ?? '')), 0) > MAX_PROVISIONER_PARAMETERS_SIZE) {
      errs.push(fieldErrors.tooLong('parameters', MAX_PROVISIONER_PARAMETERS_SIZE));
    }
  }
  if (sc.reclaimPolicy && !CLASS_RECLAIM_POLICIES.includes(sc.reclaimPolicy)) errs.push(fieldErrors.notSupported('reclaimPolicy', sc.reclaimPolicy, CLASS_RECLAIM_POLICIES));
  if (sc.volumeBindingMode === undefined || sc.volumeBindingMode === null) errs.push(fieldErrors.required('volumeBindingMode'));
  else if (!BINDING_MODES.includes(sc.volumeBindingMode)) errs.push(fieldErrors.notSupported('volumeBindingMode', sc.volumeBindingMode, BINDING_MODES));
  return errs;
}

function validateStorageClassUpdate(sc: Obj, old: Obj): FieldError[] {
  const errs: FieldError[] = [];
  if (JSON.stringify(sorted(sc.parameters ?? {})) !== JSON.stringify(sorted(old.parameters ?? {}))) errs.push(fieldErrors.forbidden('parameters', 'updates to parameters are forbidden.'));
  if (sc.provisioner !== old.provisioner) errs.push(fieldErrors.forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if (sc.reclaimPolicy !== old.reclaimPolicy) errs.push(fieldErrors.forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  if (sc.volumeBindingMode !== old.volumeBindingMode) errs.push(immutable('volumeBindingMode', sc.volumeBindingMode));
  return errs;
}

export const storageRules = {
  PersistentVolume: { validate: pv => validatePersistentVolumeSpec(pv.spec ?? {}), validateUpdate: validatePersistentVolumeUpdate },
  PersistentVolumeClaim: { validate: pvc => validateClaimSpec(pvc.spec ?? {}, 'spec'), validateUpdate: validateClaimUpdate },
  StorageClass: { validate: validateStorageClass, validateUpdate: validateStorageClassUpdate },
} satisfies Record<string, KindRules>;
