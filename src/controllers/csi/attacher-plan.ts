// external-attacher's decisions for one VolumeAttachment of its driver, as a pure function: add its
// finalizer before anything else, attach (ControllerPublishVolume) what is not attached, detach
// (ControllerUnpublishVolume) what is being deleted, then let the object go.
import type { CSINode, PersistentVolume, VolumeAttachment } from '../../api/types/generated.js';
import { attacherFinalizer } from './csi-names.js';

export type AttacherAction =
  | { action: 'none' }
  | { action: 'addFinalizer' }
  | { action: 'attach'; pvName: string }
  | { action: 'detach'; pvName?: string }
  | { action: 'removeFinalizer' };

export function planAttacher(va: VolumeAttachment, driver: string): AttacherAction {
  if (va.spec.attacher !== driver) return { action: 'none' };
  const finalizer = attacherFinalizer(driver);
  const hasFinalizer = va.metadata?.finalizers?.includes(finalizer) ?? false;
  const pvName = va.spec.source.persistentVolumeName;
  if (va.metadata?.deletionTimestamp) {
    if (!hasFinalizer) return { action: 'none' };
    // Never attached (or already detached): nothing to undo at the driver.
    return va.status?.attached ? { action: 'detach', pvName } : { action: 'removeFinalizer' };
  }
  if (va.status?.attached) return { action: 'none' };
  if (!hasFinalizer) return { action: 'addFinalizer' };
  if (!pvName) return { action: 'none' };
  return { action: 'attach', pvName };
}

export class AttachError extends Error {}

/** The driver's id of the node (from its NodeGetInfo, recorded in CSINode by the kubelet). */
export function csiNodeId(csiNode: CSINode | undefined, nodeName: string, driver: string): string {
  const id = csiNode?.spec.drivers.find(d => d.name === driver)?.nodeID;
  if (!id) throw new AttachError(`CSINode ${nodeName} does not contain driver ${driver}`);
  return id;
}

/** The PV as the attacher needs it: a CSI volume of this driver. */
export function csiSourceOf(pv: PersistentVolume | undefined, pvName: string, driver: string): NonNullable<NonNullable<PersistentVolume['spec']>['csi']> {
  if (!pv) throw new AttachError(`persistentvolume "${pvName}" not found`);
  const csi = pv.spec?.csi;
  if (!csi) throw new AttachError(`persistentvolume "${pvName}" is not a CSI volume`);
  if (csi.driver !== driver) throw new AttachError(`persistentvolume "${pvName}" belongs to driver ${csi.driver}, not ${driver}`);
  return csi;
}
