// What the local-path provisioner of one node does with a claim or a PV: pure decisions from the
// objects, executed by provisioner.ts. It acts only on what belongs to its node:
//   - a claim whose storage-provisioner is rancher.io/local-path and whose selected node (set by
//     the scheduler's VolumeBinding) is this node, still without a volume: make a directory
//     `<storage>/<pv>_<namespace>_<claim>` and a hostPath PV there, pre-bound to the claim, with node
//     affinity to this node and the class's reclaim policy (the PV controller completes the binding);
//   - a PV it provisioned on this node, Released with reclaim policy Delete: remove the directory,
//     then the PV;
//   - a claim bound to such a PV that asks for more storage: the PV's capacity grows and the
//     claim's status says so (a directory has no size of its own to grow).
import { dirname, join } from 'node:path';
import { LOCAL_PATH_PROVISIONER } from '../api/local-path-class.js';
import { compareQuantities, parseQuantity } from '../api/quantity.js';
import { claimClass } from '../api/storage-class.js';
import {
  ANN_BETA_STORAGE_PROVISIONER, ANN_PROVISIONED_BY, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER, claimReference,
  type PersistentVolume, type PersistentVolumeClaim, type StorageClass,
} from '../api/volume-binding.js';
import { volumeNodeAffinityMatches } from '../api/volume-node-affinity.js';

const HOSTNAME_LABEL = 'kubernetes.io/hostname';

export type ProvisionDecision =
  | { kind: 'none' }
  | { kind: 'fail'; message: string }
  | { kind: 'provision'; dir: string; pv: PersistentVolume };

/** The PV name for a claim, as upstream's external-provisioner names it. */
export const volumeNameFor = (claim: PersistentVolumeClaim) => `pvc-${claim.metadata!.uid}`;

/** The directory of a volume, as k3s's local-path provisioner names it. */
export const volumeDir = (storageDir: string, pvName: string, claim: PersistentVolumeClaim) =>
  join(storageDir, `${pvName}_${claim.metadata!.namespace}_${claim.metadata!.name}`);

function provisionerOf(claim: PersistentVolumeClaim): string | undefined {
  const a = claim.metadata?.annotations ?? {};
  return a[ANN_STORAGE_PROVISIONER] ?? a[ANN_BETA_STORAGE_PROVISIONER];
}

export function planProvision(claim: PersistentVolumeClaim, sc: StorageClass | undefined, node: string, storageDir: string): ProvisionDecision {
  if (claim.spec?.volumeName || claim.metadata?.deletionTimestamp) return { kind: 'none' };
  if (provisionerOf(claim) !== LOCAL_PATH_PROVISIONER || claim.metadata?.annotations?.[ANN_SELECTED_NODE] !== node) return { kind: 'none' };
  const className = claimClass(claim);
  if (!sc) return { kind: 'fail', message: `storageclass.storage.k8s.io "${className}" not found` };
  if (sc.provisioner !== LOCAL_PATH_PROVISIONER) return { kind: 'none' };
  if (claim.spec?.volumeMode === 'Block') return { kind: 'fail', message: 'the local-path provisioner makes directories: volumeMode Block is not supported' };
  const modes = claim.spec?.accessModes ?? [];
  const bad = modes.filter(m => m !== 'ReadWriteOnce' && m !== 'ReadWriteOncePod');
  if (bad.length) return { kind: 'fail', message: `a node-local volume supports only the ReadWriteOnce and ReadWriteOncePod access modes, not ${bad.join(', ')}` };
  const size = claim.spec?.resources?.requests?.storage;
  if (size === undefined) return { kind: 'fail', message: 'the claim requests no storage (spec.resources.requests.storage)' };
  const name = volumeNameFor(claim);
  const dir = volumeDir(storageDir, name, claim);
  const pv: PersistentVolume = {
    apiVersion: 'v1', kind: 'PersistentVolume',
    metadata: { name, annotations: { [ANN_PROVISIONED_BY]: LOCAL_PATH_PROVISIONER } },
    spec: {
      capacity: { storage: size },
      accessModes: modes,
      persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
      storageClassName: className,
      volumeMode: 'Filesystem',
      mountOptions: sc.mountOptions,
      hostPath: { path: dir, type: 'DirectoryOrCreate' },
      claimRef: claimReference(claim),
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: HOSTNAME_LABEL, operator: 'In', values: [node] }] }] } },
    },
  };
  return { kind: 'provision', dir, pv };
}

/** Whether the PV is one this node's provisioner made. */
export function isOurVolume(pv: PersistentVolume, node: string): boolean {
  return pv.metadata?.annotations?.[ANN_PROVISIONED_BY] === LOCAL_PATH_PROVISIONER
    && !!pv.spec?.nodeAffinity && volumeNodeAffinityMatches(pv, { name: node, labels: { [HOSTNAME_LABEL]: node } });
}

export type DeleteDecision = { kind: 'none' } | { kind: 'fail'; message: string } | { kind: 'delete'; dir: string };

/** A Released PV of ours with reclaim Delete: its directory goes (only ever one directly under the storage dir), then the PV. */
export function planDelete(pv: PersistentVolume, node: string, storageDir: string): DeleteDecision {
  if (!isOurVolume(pv, node) || pv.status?.phase !== 'Released' || pv.spec?.persistentVolumeReclaimPolicy !== 'Delete' || pv.metadata?.deletionTimestamp) return { kind: 'none' };
  const dir = pv.spec?.hostPath?.path ?? pv.spec?.local?.path ?? '';
  if (dirname(dir) !== storageDir) return { kind: 'fail', message: `refusing to delete "${dir}": not a volume directory of this provisioner (under ${storageDir})` };
  return { kind: 'delete', dir };
}

export type ResizeDecision = { kind: 'none' } | { kind: 'resize'; size: string; pvNeedsUpdate: boolean };

/**
 * A bound claim of ours asking for more than its volume or its reported capacity: grow the PV's
 * capacity (when smaller) and report the new size on the claim.
 */
export function planResize(claim: PersistentVolumeClaim, pv: PersistentVolume | undefined, node: string): ResizeDecision {
  if (!pv || !isOurVolume(pv, node) || claim.spec?.volumeName !== pv.metadata?.name || claim.status?.phase !== 'Bound') return { kind: 'none' };
  const want = claim.spec?.resources?.requests?.storage;
  if (want === undefined) return { kind: 'none' };
  const cmp = (a: string | number | undefined) => compareQuantities(parseQuantity(a ?? '0'), parseQuantity(want));
  const pvNeedsUpdate = cmp(pv.spec?.capacity?.storage) < 0;
  const claimBehind = cmp(claim.status?.capacity?.storage) < 0;
  return pvNeedsUpdate || claimBehind ? { kind: 'resize', size: String(want), pvNeedsUpdate } : { kind: 'none' };
}
