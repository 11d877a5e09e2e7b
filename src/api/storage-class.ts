// StorageClass annotations upstream reads in several places (pkg/apis/storage/util, the volume
// helpers): which class is the default, and which class a claim asks for.
import type { ObjectMeta } from './types/generated.js';

export const DEFAULT_STORAGE_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
export const BETA_DEFAULT_STORAGE_CLASS_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';
/** The beta annotation still overrides spec.storageClassName, as upstream's helpers read it. */
export const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** Marked as the default class, by the GA or the beta annotation. */
export function isDefaultStorageClass(meta: ObjectMeta | undefined): boolean {
  const a = meta?.annotations ?? {};
  return a[DEFAULT_STORAGE_CLASS_ANNOTATION] === 'true' || a[BETA_DEFAULT_STORAGE_CLASS_ANNOTATION] === 'true';
}

/** Whether a claim names a class at all (the empty name, "no class", counts), as upstream's PersistentVolumeClaimHasClass. */
export function claimHasClass(claim: { metadata?: ObjectMeta; spec?: { storageClassName?: string | null } }): boolean {
  const annotations = claim.metadata?.annotations ?? {};
  if (Object.prototype.hasOwnProperty.call(annotations, BETA_STORAGE_CLASS_ANNOTATION)) return true;
  return claim.spec?.storageClassName !== undefined && claim.spec.storageClassName !== null;
}

/** The class a claim asks for ("" for none), as upstream's GetPersistentVolumeClaimClass: the beta annotation first. */
export function claimClass(claim: { metadata?: ObjectMeta; spec?: { storageClassName?: string | null } }): string {
  const annotations = claim.metadata?.annotations ?? {};
  if (Object.prototype.hasOwnProperty.call(annotations, BETA_STORAGE_CLASS_ANNOTATION)) return annotations[BETA_STORAGE_CLASS_ANNOTATION];
  return claim.spec?.storageClassName ?? '';
}

/** The class a volume belongs to ("" for none), as upstream's GetPersistentVolumeClass. */
export const volumeClass = claimClass;

/** Finalizers that keep a bound volume and an in-use claim (upstream's volumeutil.PVProtectionFinalizer, PVCProtectionFinalizer). */
export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';
export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
