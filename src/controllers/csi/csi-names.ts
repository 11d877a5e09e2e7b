// The names the CSI sidecars and the attach-detach controller agree on with the rest of the
// cluster, spelled as upstream (external-provisioner, external-attacher, external-resizer,
// kube-controller-manager's csi attacher): annotations, finalizers and generated object names.

/** Set by the PV controller on a claim that waits for a dynamic provisioner (and the beta spelling). */
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
/** Set by the scheduler on a WaitForFirstConsumer claim: the node the volume must reach. */
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
/** On a PV: who provisioned it, so only that provisioner deletes it. */
export const ANN_PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
/** On a PV: the secret DeleteVolume gets, remembered at provisioning time. */
export const ANN_DELETION_SECRET_NAME = 'volume.kubernetes.io/provisioner-deletion-secret-name';
export const ANN_DELETION_SECRET_NAMESPACE = 'volume.kubernetes.io/provisioner-deletion-secret-namespace';
/** The volume context key external-provisioner adds: which provisioner instance made the volume. */
export const PROVISIONER_IDENTITY_KEY = 'storage.kubernetes.io/csiProvisionerIdentity';
/** A node whose attachments the attach-detach controller manages (the kubelet sets it). */
export const ANN_CONTROLLER_MANAGED_ATTACH = 'volumes.kubernetes.io/controller-managed-attach-detach';

/**
 * A driver name made fit for a finalizer or Lease name (upstream's SanitizeDriverName): every
 * character outside [a-zA-Z0-9-] becomes '-', and a trailing '-' gets an 'X' after it.
 */
export function sanitizeDriverName(driver: string): string {
  const name = driver.replace(/[^a-zA-Z0-9-]/g, '-');
  return name.endsWith('-') ? name + 'X' : name;
}

/** The finalizer external-attacher keeps on VolumeAttachments and PVs it attached. */
export const attacherFinalizer = (driver: string): string => `external-attacher/${sanitizeDriverName(driver)}`;

/** Shared with the kubelet, so both sides compute the same names. */
export { attachmentName, csiUniqueVolumeName } from '../../api/csi-volume-names.js';

/** The PV (and CreateVolume) name of a claim: `pvc-<claim uid>`. */
export const provisionedVolumeName = (claimUid: string): string => `pvc-${claimUid}`;
