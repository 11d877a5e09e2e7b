// Names the kubelet and the controller manager must compute alike for a CSI volume on a node
// (upstream's pkg/volume/csi): the VolumeAttachment's name and the unique volume name reported in
// Node status.volumesInUse / volumesAttached.
import { createHash } from 'node:crypto';

/** A VolumeAttachment's name: `csi-` + hex sha256 of volume handle, driver and node (upstream's getAttachmentName). */
export function attachmentName(volumeHandle: string, driver: string, node: string): string {
  return 'csi-' + createHash('sha256').update(volumeHandle + driver + node).digest('hex');
}

/** The unique volume name of a CSI volume: `kubernetes.io/csi/<driver>^<volume handle>`. */
export const csiUniqueVolumeName = (driver: string, volumeHandle: string): string => `kubernetes.io/csi/${driver}^${volumeHandle}`;

/** On a Node: the attach-detach controller manages its attachments (the kubelet sets it). */
export const ANN_CONTROLLER_MANAGED_ATTACH = 'volumes.kubernetes.io/controller-managed-attach-detach';
