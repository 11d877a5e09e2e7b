// Names the kubelet and the controllers must compute alike for CSI volumes, spelled as upstream
// (pkg/volume/csi): the VolumeAttachment of a volume on a node, and the unique volume name that
// Node status.volumesInUse / volumesAttached carry.
import { createHash } from 'node:crypto';

/** A VolumeAttachment's name: `csi-` + hex sha256 of volume handle, driver and node (upstream's getAttachmentName). */
export function attachmentName(volumeHandle: string, driver: string, node: string): string {
  return 'csi-' + createHash('sha256').update(volumeHandle + driver + node).digest('hex');
}

/** The unique volume name of a CSI volume in Node status (`kubernetes.io/csi/<driver>^<handle>`). */
export const csiUniqueVolumeName = (driver: string, volumeHandle: string): string => `kubernetes.io/csi/${driver}^${volumeHandle}`;

/** On a Node: the attach-detach controller manages its attachments (the kubelet sets it). */
export const ANN_CONTROLLER_MANAGED_ATTACH = 'volumes.kubernetes.io/controller-managed-attach-detach';
