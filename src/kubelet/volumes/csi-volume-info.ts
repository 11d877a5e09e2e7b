// Pure rules of the kubelet's CSI volume plugin, as upstream's pkg/volume/csi: where a volume is
// staged and published, the handles of inline volumes, the volume
// capability sent to the driver, when the pod's fsGroup is applied, and when a claim waits for
// NodeExpandVolume. Plus the vol_data.json kept beside each mount for teardown.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { milliValue, parseQuantity } from '../../api/quantity.js';
import type { CSIDriver, PersistentVolume, PersistentVolumeClaim } from '../../api/types/generated.js';
import { csiAccessMode as accessModeOf } from '../../client/csi/access-mode.js';
import type { CsiAccessMode, VolumeCapability } from '../../client/csi/types.js';
import { writeFileAtomic } from '../../util/atomic-file.js';

/** Upstream's plugin name; `kubernetes.io~csi` on disk. */
export const CSI_PLUGIN_NAME = 'kubernetes.io/csi';
export const VOL_DATA_FILE = 'vol_data.json';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The volume handle of an inline ephemeral volume: `csi-<sha256(pod uid + volume name)>`. */
export function inlineVolumeHandle(podUid: string, volumeName: string): string {
  return `csi-${sha256(podUid + volumeName)}`;
}

/** The node-wide staging path of a volume: `<plugins>/kubernetes.io~csi/<driver>/<sha256(handle)>/globalmount`. */
export function stagingPath(globalDir: string, driver: string, volumeHandle: string): string {
  return join(globalDir, driver, sha256(volumeHandle), 'globalmount');
}

/** The CSI access mode for a PV's (first) access mode, as upstream's asCSIAccessModeV1. */
export function csiAccessMode(accessModes: string[] | undefined, singleNodeMultiWriter: boolean): CsiAccessMode {
  return accessModeOf(accessModes?.[0] ?? 'ReadWriteOnce', singleNodeMultiWriter);
}

/** What the kubelet asks of the driver for a PV: block or mount (fsType, the PV's mountOptions), and the access mode. */
export function pvVolumeCapability(pv: PersistentVolume, singleNodeMultiWriter: boolean): VolumeCapability {
  const accessMode = { mode: csiAccessMode(pv.spec?.accessModes, singleNodeMultiWriter) };
  if (pv.spec?.volumeMode === 'Block') return { block: {}, accessMode };
  return { mount: { fsType: pv.spec?.csi?.fsType ?? '', mountFlags: pv.spec?.mountOptions ?? [] }, accessMode };
}

/**
 * Whether the pod's fsGroup is applied to a CSI volume, by its CSIDriver's fsGroupPolicy (default
 * ReadWriteOnceWithFSType: only with an fsType and, for a PV, only ReadWriteOnce). Never read-only.
 */
export function appliesFsGroup(driver: CSIDriver | undefined, fsType: string, accessModes: string[] | undefined, readOnly: boolean): boolean {
  if (readOnly) return false;
  const policy = driver?.spec?.fsGroupPolicy ?? 'ReadWriteOnceWithFSType';
  if (policy === 'None') return false;
  if (policy === 'File') return true;
  if (!fsType) return false;
  return accessModes === undefined || (accessModes.length === 1 && accessModes[0] === 'ReadWriteOnce');
}

function bytes(q: string | number | undefined): number {
  return q === undefined ? 0 : Number(milliValue(parseQuantity(q)) / 1000n);
}

/** The size the node must grow the volume to, when the claim waits for it (FileSystemResizePending); else undefined. */
export function pendingNodeResize(claim: PersistentVolumeClaim, pv: PersistentVolume): number | undefined {
  const pending = claim.status?.conditions?.some(c => c.type === 'FileSystemResizePending' && c.status === 'True')
    || claim.status?.allocatedResourceStatuses?.storage === 'NodeResizePending';
  if (!pending) return undefined;
  const want = bytes(pv.spec?.capacity?.storage);
  return want > 0 ? want : undefined;
}

/** What the kubelet keeps beside a mount to tear it down when the pod (and maybe the PV) is gone. */
export interface VolumeData {
  specVolID: string;
  volumeHandle: string;
  driverName: string;
  nodeName: string;
  attachmentID: string;
  /** Persistent or Ephemeral. */
  volumeLifecycleMode: string;
}

export function saveVolumeData(dir: string, data: VolumeData): void {
  writeFileAtomic(join(dir, VOL_DATA_FILE), JSON.stringify(data));
}

export function loadVolumeData(dir: string): VolumeData | undefined {
  const file = join(dir, VOL_DATA_FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as VolumeData) : undefined;
}
