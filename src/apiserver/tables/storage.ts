// PersistentVolumes, PersistentVolumeClaims and storage.k8s.io/v1 StorageClasses, CSIDrivers,
// CSINodes, VolumeAttachments, CSIStorageCapacities and VolumeAttributesClasses.
import { BETA_STORAGE_CLASS_ANNOTATION, isDefaultStorageClass } from '../../api/storage-class.js';
import { ageCol, col, nameCol } from './columns.js';
import { since } from './duration.js';
import { quantity } from './format.js';
import type { Obj, Printer } from './types.js';

const name = (o: Obj): string => o.metadata?.name ?? '';
const age = (o: Obj, now: Date): string => since(o.metadata?.creationTimestamp, now);

const storageClassOf = (o: Obj): string => o.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] ?? o.spec?.storageClassName ?? '';

/** Access modes abbreviated in a fixed order, whatever order the object lists them in. */
const MODE_ABBREVIATIONS: [string, string][] = [['ReadWriteOnce', 'RWO'], ['ReadOnlyMany', 'ROX'], ['ReadWriteMany', 'RWX'], ['ReadWriteOncePod', 'RWOP']];
function accessModes(modes: string[] | undefined): string {
  return MODE_ABBREVIATIONS.filter(([mode]) => (modes ?? []).includes(mode)).map(([, short]) => short).join(',');
}

const phaseOf = (o: Obj): string => (o.metadata?.deletionTimestamp ? 'Terminating' : o.status?.phase ?? '');

export const persistentVolumePrinter: Printer = {
  columns: [
    nameCol(),
    col('Capacity', 'capacity is the description of the persistent volume\'s resources and capacity.'),
    col('Access Modes', 'accessModes contains all ways the volume can be mounted.'),
    col('Reclaim Policy', 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.'),
    col('Status', 'phase indicates if a volume is available, bound to a claim, or released by a claim.'),
    col('Claim', 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.'),
    col('StorageClass', 'StorageClass of the pv'),
    col('VolumeAttributesClass', 'VolumeAttributesClass of the pv'),
    col('Reason', 'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.'),
    ageCol(),
    col('VolumeMode', 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.', { wide: true }),
  ],
  cells(o, now) {
    const claim = o.spec?.claimRef ? `${o.spec.claimRef.namespace ?? ''}/${o.spec.claimRef.name ?? ''}` : '';
    return [
      name(o), quantity(o.spec?.capacity?.storage), accessModes(o.spec?.accessModes), o.spec?.persistentVolumeReclaimPolicy ?? '',
      phaseOf(o), claim, storageClassOf(o), o.spec?.volumeAttributesClassName ?? '<unset>', o.status?.reason ?? '', age(o, now),
      o.spec?.volumeMode ?? '<unset>',
    ];
  },
};

export const persistentVolumeClaimPrinter: Printer = {
  columns: [
    nameCol(),
    col('Status', 'phase represents the current phase of PersistentVolumeClaim.'),
    col('Volume', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
    col('Capacity', 'capacity represents the actual resources of the underlying volume.'),
    col('Access Modes', 'accessModes contains the actual access modes the volume backing the PVC has.'),
    col('StorageClass', 'StorageClass of the pvc'),
    col('VolumeAttributesClass', 'VolumeAttributesClass of the pvc'),
    ageCol(),
    col('VolumeMode', 'volumeMode defines what type of volume is required by the claim.', { wide: true }),
  ],
  cells(o, now) {
    // Capacity and modes are the bound volume's, so they stay blank until the claim is bound.
    const bound = !!o.spec?.volumeName;
    return [
      name(o), phaseOf(o), o.spec?.volumeName ?? '', bound ? quantity(o.status?.capacity?.storage) : '',
      bound ? accessModes(o.status?.accessModes) : '', storageClassOf(o), o.spec?.volumeAttributesClassName ?? '<unset>', age(o, now),
      o.spec?.volumeMode ?? '<unset>',
    ];
  },
};

export const storageClassPrinter: Printer = {
  columns: [
    nameCol(),
    col('Provisioner', 'provisioner indicates the type of the provisioner.'),
    col('ReclaimPolicy', 'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class.'),
    col('VolumeBindingMode', 'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.'),
    col('AllowVolumeExpansion', 'allowVolumeExpansion shows whether the storage class allow volume expand.'),
    ageCol(),
  ],
  cells: (o, now) => [
    isDefaultStorageClass(o.metadata) ? `${name(o)} (default)` : name(o), o.provisioner ?? '', o.reclaimPolicy ?? 'Delete', o.volumeBindingMode ?? 'Immediate',
    o.allowVolumeExpansion ?? false, age(o, now),
  ],
};

export const volumeAttributesClassPrinter: Printer = {
  columns: [nameCol(), col('DriverName', 'Name of the CSI driver'), ageCol()],
  cells: (o, now) => [name(o), o.driverName ?? '', age(o, now)],
};

export const csiDriverPrinter: Printer = {
  columns: [
    nameCol(),
    col('AttachRequired', 'attachRequired indicates this CSI volume driver requires an attach operation.', { type: 'boolean' }),
    col('PodInfoOnMount', 'podInfoOnMount indicates this CSI volume driver requires additional pod information during mount operations.', { type: 'boolean' }),
    col('StorageCapacity', 'storageCapacity indicates that the CSI volume driver wants pod scheduling to consider the storage capacity.', { type: 'boolean' }),
    col('TokenRequests', 'tokenRequests indicates the CSI driver needs pods\' service account tokens it is mounting volume for.'),
    col('RequiresRepublish', 'requiresRepublish indicates the CSI driver wants NodePublishVolume being periodically called.', { type: 'boolean' }),
    col('Modes', 'volumeLifecycleModes defines what kind of volumes this CSI volume driver supports.'),
    ageCol(),
  ],
  cells(o, now) {
    const spec: Obj = o.spec ?? {};
    const tokens = spec.tokenRequests ? (spec.tokenRequests as Obj[]).map(t => t.audience ?? '').join(',') : '<unset>';
    const modes = (spec.volumeLifecycleModes ?? []).join(',') || '<none>';
    return [
      name(o), spec.attachRequired ?? true, spec.podInfoOnMount ?? false, spec.storageCapacity ?? false, tokens,
      spec.requiresRepublish ?? false, modes, age(o, now),
    ];
  },
};

export const csiNodePrinter: Printer = {
  columns: [nameCol(), col('Drivers', 'Drivers indicates the number of CSI drivers registered on the node', { type: 'integer' }), ageCol()],
  cells: (o, now) => [name(o), (o.spec?.drivers ?? []).length, age(o, now)],
};

export const volumeAttachmentPrinter: Printer = {
  columns: [
    nameCol(),
    col('Attacher', 'attacher indicates the name of the volume driver that MUST handle this request.', { format: 'name' }),
    col('PV', 'persistentVolumeName represents the name of the persistent volume to attach.'),
    col('Node', 'nodeName represents the node that the volume should be attached to.'),
    col('Attached', 'attached indicates the volume is successfully attached.', { type: 'boolean' }),
    ageCol(),
  ],
  cells: (o, now) => [
    name(o), o.spec?.attacher ?? '', o.spec?.source?.persistentVolumeName ?? '', o.spec?.nodeName ?? '', o.status?.attached ?? false, age(o, now),
  ],
};

export const csiStorageCapacityPrinter: Printer = {
  columns: [
    nameCol(),
    col('StorageClassName', 'storageClassName represents the name of the StorageClass that the reported capacity applies to.'),
    col('Capacity', 'capacity is the value reported by the CSI driver in its GetCapacityResponse for a GetCapacityRequest.'),
  ],
  cells: o => [name(o), o.storageClassName ?? '', o.capacity !== undefined && o.capacity !== null ? String(o.capacity) : '<unset>'],
};
