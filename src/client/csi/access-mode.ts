// A Kubernetes access mode as a CSI access mode (upstream's asCSIAccessModeV1), the one mapping the
// kubelet's CSI plugin and the CSI sidecars share.
import type { CsiAccessMode } from './types.js';

export class UnsupportedAccessModeError extends Error {}

/** `singleNodeMultiWriter`: the driver has the SINGLE_NODE_MULTI_WRITER capability. */
export function csiAccessMode(mode: string, singleNodeMultiWriter: boolean): CsiAccessMode {
  switch (mode) {
    case 'ReadWriteOnce': return singleNodeMultiWriter ? 'SINGLE_NODE_MULTI_WRITER' : 'SINGLE_NODE_WRITER';
    case 'ReadOnlyMany': return 'MULTI_NODE_READER_ONLY';
    case 'ReadWriteMany': return 'MULTI_NODE_MULTI_WRITER';
    case 'ReadWriteOncePod': return singleNodeMultiWriter ? 'SINGLE_NODE_SINGLE_WRITER' : 'SINGLE_NODE_WRITER';
    default: throw new UnsupportedAccessModeError(`unknown access mode: ${mode}`);
  }
}
