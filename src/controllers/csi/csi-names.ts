// The names the CSI sidecars agree on with the rest of the cluster, spelled as upstream
// (external-provisioner, external-attacher, external-resizer): annotations, finalizers and
// generated object names. Shared with the PV controller: api/volume-binding.ts; with the kubelet:
// api/csi-volume-names.ts.

/** On a PV: the secret DeleteVolume gets, remembered at provisioning time. */
export const ANN_DELETION_SECRET_NAME = 'volume.kubernetes.io/provisioner-deletion-secret-name';
export const ANN_DELETION_SECRET_NAMESPACE = 'volume.kubernetes.io/provisioner-deletion-secret-namespace';
/**
 * The finalizer external-provisioner puts on the PVs it provisions with reclaim policy Delete
 * (HonorPVReclaimPolicy, on by default in v1.32): a PV object deleted by hand still gets
 * DeleteVolume before it goes.
 */
export const PROVISIONER_FINALIZER = 'external-provisioner.volume.kubernetes.io/finalizer';
/** The volume context key external-provisioner adds: which provisioner instance made the volume. */
export const PROVISIONER_IDENTITY_KEY = 'storage.kubernetes.io/csiProvisionerIdentity';

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

/** The PV (and CreateVolume) name of a claim: `pvc-<claim uid>`. */
export const provisionedVolumeName = (claimUid: string): string => `pvc-${claimUid}`;
