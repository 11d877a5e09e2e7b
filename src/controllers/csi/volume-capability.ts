// Kubernetes access modes and volume modes → CSI VolumeCapability, as the sidecars translate them:
// the provisioner asks CreateVolume for one capability per access mode of the claim; the attacher
// and resizer describe an existing PV with one capability (its widest mode).
import { csiAccessMode as csiMode, UnsupportedAccessModeError } from '../../client/csi/access-mode.js';
import type { CsiAccessMode as Mode, VolumeCapability } from '../../client/csi/types.js';

export interface CapabilityOptions {
  /** The driver has the SINGLE_NODE_MULTI_WRITER controller capability. */
  singleNodeMultiWriter?: boolean;
  block?: boolean;
  fsType?: string;
  mountFlags?: string[];
}

function capability(mode: Mode, opts: CapabilityOptions): VolumeCapability {
  return opts.block
    ? { accessMode: { mode }, block: {}, accessType: 'block' }
    : { accessMode: { mode }, mount: { fsType: opts.fsType ?? '', mountFlags: opts.mountFlags ?? [] }, accessType: 'mount' };
}

/** CreateVolume's capabilities: one per access mode of the claim. */
export function claimCapabilities(accessModes: string[], opts: CapabilityOptions): VolumeCapability[] {
  return accessModes.map(m => capability(csiMode(m, opts.singleNodeMultiWriter ?? false), opts));
}

/** One capability for an existing volume: the widest of its access modes (upstream's GetVolumeCapabilities). */
export function volumeCapability(accessModes: string[], opts: CapabilityOptions): VolumeCapability {
  const order = ['ReadWriteMany', 'ReadOnlyMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
  const mode = order.find(m => accessModes.includes(m));
  if (!mode) throw new UnsupportedAccessModeError(`unsupported access modes: ${JSON.stringify(accessModes)}`);
  return capability(csiMode(mode, opts.singleNodeMultiWriter ?? false), opts);
}
