// kube-controller-manager's attach-detach controller for CSI volumes, as a pure plan for one node:
// which VolumeAttachments the pods scheduled there need (desired state), which existing ones are
// no longer needed and may be detached now (the kubelet no longer reports the volume in use), and
// what the Node's status.volumesAttached must say.
import type { AttachedVolume, CSIDriver, Node, PersistentVolume, PersistentVolumeClaim, Pod, VolumeAttachment } from '../../api/types/generated.js';
import { podReferences } from '../../api/pod-references.js';
import { ANN_CONTROLLER_MANAGED_ATTACH, attachmentName, csiUniqueVolumeName } from '../../api/csi-volume-names.js';

/** Upstream waits this long for the kubelet to unmount before it detaches anyway. */
export const MAX_WAIT_FOR_UNMOUNT_MS = 6 * 60 * 1000;

export interface AttachDetachInputs {
  nodeName: string;
  /** Undefined once the node object is gone: its volumes are detached without waiting. */
  node?: Node;
  /** Pods bound to the node. */
  pods: Pod[];
  claim(namespace: string, name: string): PersistentVolumeClaim | undefined;
  volume(name: string): PersistentVolume | undefined;
  driver(name: string): CSIDriver | undefined;
  /** VolumeAttachments whose spec.nodeName is the node. */
  attachments: VolumeAttachment[];
  /** When this controller first wanted to detach each attachment (ms), for the unmount wait. */
  detachWantedSince(name: string): number | undefined;
  now: number;
}

export interface DesiredAttachment {
  name: string;
  driver: string;
  volumeHandle: string;
  pvName: string;
  /** The pods that use the volume (for Events). */
  pods: Pod[];
}

export interface AttachDetachPlan {
  create: VolumeAttachment[];
  /** Attachments to delete now (detach), after volumesAttached no longer lists them. */
  detach: string[];
  /** Attachments that should go but the kubelet still has the volume mounted. */
  waitingForUnmount: string[];
  /** The Node's new status.volumesAttached, or undefined when it is already right. */
  volumesAttached?: AttachedVolume[];
  desired: DesiredAttachment[];
}

/** No container runs and none will: the pod's volumes may be detached (upstream's IsPodTerminated). */
export function podTerminated(pod: Pod): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return true;
  if (!pod.metadata?.deletionTimestamp) return false;
  const statuses = [...pod.status?.initContainerStatuses ?? [], ...pod.status?.containerStatuses ?? [], ...pod.status?.ephemeralContainerStatuses ?? []];
  return statuses.every(s => !s.state?.running && !s.state?.waiting);
}

/** A CSIDriver without attachRequired: false needs attaching; no CSIDriver object at all does too. */
export const attachRequired = (d: CSIDriver | undefined): boolean => d?.spec.attachRequired !== false;

/** The attachable CSI persistent volumes the node's running pods use. */
export function desiredAttachments(i: AttachDetachInputs): DesiredAttachment[] {
  const out = new Map<string, DesiredAttachment>();
  for (const pod of i.pods) {
    if (podTerminated(pod)) continue;
    for (const claimName of podReferences(pod).persistentVolumeClaims) {
      const claim = i.claim(pod.metadata!.namespace!, claimName);
      // An unbound claim has nothing to attach yet; the pod cannot start until it is bound.
      if (!claim?.spec?.volumeName || claim.status?.phase !== 'Bound') continue;
      const pv = i.volume(claim.spec.volumeName);
      const csi = pv?.spec?.csi;
      if (!csi || !attachRequired(i.driver(csi.driver))) continue;
      const name = attachmentName(csi.volumeHandle, csi.driver, i.nodeName);
      const d = out.get(name) ?? { name, driver: csi.driver, volumeHandle: csi.volumeHandle, pvName: pv!.metadata!.name!, pods: [] };
      d.pods.push(pod);
      out.set(name, d);
    }
  }
  return [...out.values()];
}

export function planAttachDetach(i: AttachDetachInputs): AttachDetachPlan {
  // A node that does not let the controller manage attachments attaches its own (kubelet's flag).
  const managed = !i.node || i.node.metadata?.annotations?.[ANN_CONTROLLER_MANAGED_ATTACH] === 'true';
  const desired = i.node && managed ? desiredAttachments(i) : [];
  const wanted = new Set(desired.map(d => d.name));
  const existing = new Map(i.attachments.map(a => [a.metadata!.name!, a]));
  const create = desired.filter(d => !existing.has(d.name)).map(d => volumeAttachment(d, i.nodeName));
  const inUse = new Set(i.node?.status?.volumesInUse ?? []);
  const detach: string[] = [];
  const waitingForUnmount: string[] = [];
  if (managed) {
    for (const [name, va] of existing) {
      if (wanted.has(name) || va.metadata?.deletionTimestamp || !va.spec.source.persistentVolumeName) continue;
      const pv = i.volume(va.spec.source.persistentVolumeName);
      const unique = pv?.spec?.csi ? csiUniqueVolumeName(pv.spec.csi.driver, pv.spec.csi.volumeHandle) : undefined;
      const since = i.detachWantedSince(name) ?? i.now;
      const mounted = i.node && unique !== undefined && inUse.has(unique);
      if (mounted && i.now - since < MAX_WAIT_FOR_UNMOUNT_MS) waitingForUnmount.push(name);
      else detach.push(name);
    }
  }
  const volumesAttached = i.node ? reportedAttached(i, new Set(detach)) : undefined;
  return { create, detach, waitingForUnmount, volumesAttached, desired };
}

/**
 * status.volumesAttached: the node's attached CSI volumes (entries of other plugins kept), minus
 * those about to be detached, so the kubelet stops trusting them before they go.
 */
function reportedAttached(i: AttachDetachInputs, detaching: Set<string>): AttachedVolume[] | undefined {
  const current = i.node?.status?.volumesAttached ?? [];
  const csi: AttachedVolume[] = [];
  for (const va of i.attachments) {
    if (!va.status?.attached || va.metadata?.deletionTimestamp || detaching.has(va.metadata!.name!)) continue;
    const pv = va.spec.source.persistentVolumeName ? i.volume(va.spec.source.persistentVolumeName) : undefined;
    if (pv?.spec?.csi) csi.push({ name: csiUniqueVolumeName(pv.spec.csi.driver, pv.spec.csi.volumeHandle), devicePath: '' });
  }
  const next = [...current.filter(v => !v.name.startsWith('kubernetes.io/csi/')), ...csi.sort((a, b) => a.name.localeCompare(b.name))];
  const same = next.length === current.length && next.every((v, k) => v.name === current[k].name && v.devicePath === current[k].devicePath);
  return same ? undefined : next;
}

function volumeAttachment(d: DesiredAttachment, nodeName: string): VolumeAttachment {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'VolumeAttachment',
    metadata: { name: d.name },
    spec: { attacher: d.driver, nodeName, source: { persistentVolumeName: d.pvName } },
    status: { attached: false },
  };
}
