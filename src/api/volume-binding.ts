// Matching claims to volumes, as upstream's component-helpers/storage/volume (FindMatchingVolume,
// IsVolumeBoundToClaim, CheckVolumeModeMismatches, CheckAccessModes) and the PV controller's
// access-mode index: the PV controller binds with it, the scheduler's VolumeBinding plugin (with a
// node) too. Also the annotations the binder, the scheduler and the provisioners share.
import type { KubeObject } from './object.js';
import { compareQuantityText, quantityError } from './quantity.js';
import { LabelSelector } from './selectors/label-selector.js';
import { claimClass, volumeClass } from './storage-class.js';
import type {
  ObjectReference, PersistentVolumeClaimSpec, PersistentVolumeClaimStatus, PersistentVolumeSpec, PersistentVolumeStatus, StorageClass as StorageClassType,
} from './types/generated.js';

export type PersistentVolume = KubeObject & { spec?: PersistentVolumeSpec; status?: PersistentVolumeStatus };
export type PersistentVolumeClaim = KubeObject & { spec?: PersistentVolumeClaimSpec; status?: PersistentVolumeClaimStatus };
export type StorageClass = Omit<StorageClassType, 'metadata'> & KubeObject;

/** On a claim: the binding is done (the PV controller's own record). */
export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
/** On a volume or claim: the controller, not the user, made this half of the binding. */
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
/** On a volume: the provisioner that created it (and must delete it). */
export const ANN_PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
/** On a claim: the provisioner asked to make its volume (GA and beta spellings, both set). */
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
/** On a claim of a WaitForFirstConsumer class: the node the scheduler chose for its first pod. */
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';

export const hasAnnotation = (o: KubeObject, key: string): boolean => Object.prototype.hasOwnProperty.call(o.metadata.annotations ?? {}, key);

/** The volume's claimRef names this claim (and its UID, once the binding has one). */
export function isVolumeBoundToClaim(volume: PersistentVolume, claim: PersistentVolumeClaim): boolean {
  const ref = volume.spec?.claimRef;
  if (!ref) return false;
  if (ref.name !== claim.metadata.name || ref.namespace !== claim.metadata.namespace) return false;
  return !ref.uid || ref.uid === claim.metadata.uid;
}

/** Filesystem unless said otherwise, on both sides. */
export function volumeModeMismatch(claim: PersistentVolumeClaim, volume: PersistentVolume): boolean {
  return (claim.spec?.volumeMode ?? 'Filesystem') !== (volume.spec?.volumeMode ?? 'Filesystem');
}

/** Every mode the claim asks for is one the volume offers. */
export function accessModesSatisfied(claim: PersistentVolumeClaim, volume: PersistentVolume): boolean {
  const offered = new Set(volume.spec?.accessModes ?? []);
  return (claim.spec?.accessModes ?? []).every(m => offered.has(m));
}

const storageOf = (volume: PersistentVolume): string | number => volume.spec?.capacity?.storage ?? '0';
const requestOf = (claim: PersistentVolumeClaim): string | number => claim.spec?.resources?.requests?.storage ?? '0';

/** a < b for quantities that may be malformed (a malformed one counts as zero). */
function smaller(a: string | number, b: string | number): boolean {
  return compareQuantityText(quantityError(a) ? '0' : a, quantityError(b) ? '0' : b) < 0;
}

/**
 * Why a volume the claim names (spec.volumeName) cannot serve it, as the PV controller's
 * checkVolumeSatisfyClaim; undefined when it can.
 */
export function volumeUnfitForClaim(volume: PersistentVolume, claim: PersistentVolumeClaim): string | undefined {
  if (volume.metadata.deletionTimestamp) return `the volume is marked for deletion "${volume.metadata.name}"`;
  if (smaller(storageOf(volume), requestOf(claim))) return 'requested PV is too small';
  if (volumeClass(volume) !== claimClass(claim)) return 'storageClassName does not match';
  if (volumeModeMismatch(claim, volume)) return 'incompatible volumeMode';
  if (!accessModesSatisfied(claim, volume)) return 'incompatible accessMode';
  return undefined;
}

export interface MatchOptions {
  /** The claim's class binds late: only a volume already bound to it is returned (no node given). */
  delayBinding: boolean;
  /** The scheduler's path: the node a pod would run on; the volume's node affinity must admit it. */
  nodeFits?: (volume: PersistentVolume) => boolean;
}

/**
 * FindMatchingVolume over one list: a volume pre-bound to the claim wins; otherwise the smallest
 * Available volume big enough, of the claim's class and volume mode, whose labels the claim's
 * selector accepts.
 */
export function findMatchingVolume(claim: PersistentVolumeClaim, volumes: PersistentVolume[], opts: MatchOptions): PersistentVolume | undefined {
  const requested = requestOf(claim);
  const requestedClass = claimClass(claim);
  let selector: LabelSelector | null = null;
  try {
    selector = LabelSelector.fromObject(claim.spec?.selector);
  } catch {
    return undefined;
  }
  let best: PersistentVolume | undefined;
  for (const volume of volumes) {
    const boundToClaim = isVolumeBoundToClaim(volume, claim);
    if (volume.spec?.claimRef && !boundToClaim) continue;
    if (smaller(storageOf(volume), requested)) continue;
    if (volumeModeMismatch(claim, volume)) continue;
    if (volume.spec?.volumeAttributesClassName || claim.spec?.volumeAttributesClassName) continue;
    if (volume.metadata.deletionTimestamp) continue;
    const nodeFits = opts.nodeFits?.(volume) ?? true;
    if (boundToClaim) return nodeFits ? volume : undefined;
    if (!opts.nodeFits && opts.delayBinding) continue;
    if (volume.status?.phase !== 'Available') continue;
    if (selector && !selector.matches(volume.metadata.labels ?? {})) continue;
    if (volumeClass(volume) !== requestedClass) continue;
    if (!nodeFits) continue;
    if (opts.nodeFits && !accessModesSatisfied(claim, volume)) continue;
    if (!best || smaller(storageOf(volume), storageOf(best))) best = volume;
  }
  return best;
}

/**
 * The PV controller's findBestMatchForClaim: volumes grouped by their exact set of access modes;
 * the groups offering every mode the claim asks for are searched fewest modes first, so a claim
 * for ReadWriteOnce takes a ReadWriteOnce volume before a ReadWriteOnce+ReadOnlyMany one.
 */
export function findBestMatchForClaim(claim: PersistentVolumeClaim, volumes: PersistentVolume[], opts: MatchOptions): PersistentVolume | undefined {
  const groups = new Map<string, PersistentVolume[]>();
  for (const v of volumes) {
    const key = [...new Set(v.spec?.accessModes ?? [])].sort().join(',');
    groups.set(key, [...(groups.get(key) ?? []), v]);
  }
  const wanted = claim.spec?.accessModes ?? [];
  const candidates = [...groups.entries()]
    .map(([key, vols]) => ({ modes: key ? key.split(',') : [], vols }))
    .filter(g => wanted.every(m => g.modes.includes(m)))
    .sort((a, b) => a.modes.length - b.modes.length);
  for (const g of candidates) {
    const found = findMatchingVolume(claim, g.vols, opts);
    if (found) return found;
  }
  return undefined;
}

/** The reference a bound volume keeps to its claim (reference.GetReference of the claim). */
export function claimReference(claim: PersistentVolumeClaim): ObjectReference {
  return {
    kind: 'PersistentVolumeClaim', namespace: claim.metadata.namespace, name: claim.metadata.name, uid: claim.metadata.uid,
    apiVersion: 'v1', resourceVersion: claim.metadata.resourceVersion,
  };
}
