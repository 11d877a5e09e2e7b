// Which PersistentVolume a claim may bind to, as upstream's volume helpers decide it
// (pkg/controller/volume/persistentvolume/util: FindMatchingVolume, CheckVolumeModeMismatches,
// CheckNodeAffinity): same class, every requested access mode offered, enough capacity, same
// volumeMode, the claim's selector, not bound to another claim, and — when a node is given — the
// PV's node affinity admits it. Of the matches the smallest wins. The scheduler's VolumeBinding uses
// it for WaitForFirstConsumer claims on each candidate node.
import { BETA_STORAGE_CLASS_ANNOTATION } from './storage-class.js';
import { nodeSelectorTermMatches, type NodeIdentity } from './node-selection.js';
import { compareQuantities, parseQuantity } from './quantity.js';
import { LabelSelector } from './selectors/label-selector.js';
import type { PersistentVolume, PersistentVolumeClaim } from './types/generated.js';

/** The class a claim asks for ("" = none), the beta annotation first, as upstream's GetPersistentVolumeClaimClass. */
export function claimClassName(claim: PersistentVolumeClaim): string {
  return claim.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] ?? claim.spec?.storageClassName ?? '';
}

/** The class of a PV ("" = none), as upstream's GetPersistentVolumeClass. */
export function volumeClassName(pv: PersistentVolume): string {
  return pv.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] ?? pv.spec?.storageClassName ?? '';
}

/** Whether the PV's required node affinity admits the node (no affinity admits every node). */
export function volumeNodeAffinityMatches(pv: PersistentVolume, node: NodeIdentity): boolean {
  const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms;
  return !terms || terms.some(t => nodeSelectorTermMatches(t, node));
}

function requestedBytes(claim: PersistentVolumeClaim) {
  return parseQuantity(claim.spec?.resources?.requests?.storage ?? '0');
}

/** Whether `pv` may bind `claim` (node affinity is not checked here). */
export function volumeMatchesClaim(pv: PersistentVolume, claim: PersistentVolumeClaim): boolean {
  if (pv.metadata?.deletionTimestamp) return false;
  const ref = pv.spec?.claimRef;
  if (ref && (ref.name !== claim.metadata?.name || ref.namespace !== claim.metadata?.namespace || (ref.uid && ref.uid !== claim.metadata?.uid))) return false;
  if (!ref && volumeClassName(pv) !== claimClassName(claim)) return false;
  if ((pv.spec?.volumeMode ?? 'Filesystem') !== (claim.spec?.volumeMode ?? 'Filesystem')) return false;
  const offered = new Set(pv.spec?.accessModes ?? []);
  if (!(claim.spec?.accessModes ?? []).every(m => offered.has(m))) return false;
  if (compareQuantities(parseQuantity(pv.spec?.capacity?.storage ?? '0'), requestedBytes(claim)) < 0) return false;
  if (!ref && claim.spec?.selector) {
    const sel = LabelSelector.fromObject(claim.spec.selector);
    if (!sel?.matches(pv.metadata?.labels ?? {})) return false;
  }
  return true;
}

/**
 * The PV for the claim among `pvs`: one pre-bound to it (claimRef) first, else the smallest
 * unclaimed match; with `node`, only PVs whose node affinity admits it; `taken` are PVs already
 * promised to other claims.
 */
export function findMatchingVolume(claim: PersistentVolumeClaim, pvs: PersistentVolume[], node?: NodeIdentity, taken: ReadonlySet<string> = new Set()): PersistentVolume | undefined {
  let best: PersistentVolume | undefined;
  for (const pv of pvs) {
    const name = pv.metadata?.name ?? '';
    if (taken.has(name) || !volumeMatchesClaim(pv, claim)) continue;
    if (node && !volumeNodeAffinityMatches(pv, node)) continue;
    if (pv.spec?.claimRef) return pv;
    if (!best || compareQuantities(parseQuantity(pv.spec?.capacity?.storage ?? '0'), parseQuantity(best.spec?.capacity?.storage ?? '0')) < 0) best = pv;
  }
  return best;
}
