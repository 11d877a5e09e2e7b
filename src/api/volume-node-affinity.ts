// Whether a PersistentVolume may be used on a node: its required node affinity (upstream's
// CheckNodeAffinity). The scheduler's VolumeBinding filters nodes with it; the local-path
// provisioner recognises its own node's volumes by it.
import { nodeSelectorTermMatches, type NodeIdentity } from './node-selection.js';
import type { PersistentVolumeSpec } from './types/generated.js';

/** No affinity admits every node; otherwise any one of the required terms must match. */
export function volumeNodeAffinityMatches(pv: { spec?: PersistentVolumeSpec }, node: NodeIdentity): boolean {
  const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms;
  return !terms || terms.some(t => nodeSelectorTermMatches(t, node));
}
