// The kubelet's interface to PersistentVolume-backed volumes (a pod volume `persistentVolumeClaim`,
// or `ephemeral`, whose claim is `<pod>-<volume>`). The kubelet resolves the pod's volume to its
// claim and the claim to its bound PV (resolvePersistentVolume below, with upstream's refusals), then
// hands the PV to the first plugin that supports its source:
//
//   - local-pv.ts: `spec.local` and `spec.hostPath` PVs (also what the local-path provisioner makes);
//   - a CSI plugin (`spec.csi`) registers itself the same way through KubeletOptions.volumePlugins.
//
// Contract of a plugin, as upstream's Mounter/Unmounter:
//   - setUp is called on every pod sync and must be idempotent. It returns the host path the
//     container runtime bind-mounts (for a filesystem volume) or the block device node (volumeMode
//     Block). A plugin that mounts something (CSI NodePublishVolume) mounts it at `m.dir`, the
//     per-pod target path `<root>/pods/<uid>/volumes/<plugin dir>/<pv name>`; a plugin whose
//     volume already is a host path (local, hostPath) returns that path and mounts nothing.
//   - tearDown runs when the pod is gone; only the directory is known then (the pod, claim and PV
//     objects may all be deleted), so a plugin that needs more to unmount (a CSI volume handle)
//     keeps it on disk beside `dir` at setUp, as upstream's CSI plugin keeps vol_data.json.
//   - After the first successful setUp of a pod's volume, the kubelet applies the pod's fsGroup
//     (securityContext.fsGroup, fsGroupChangePolicy) when appliesFsGroup says so.
//   - Errors thrown from either are reported on the pod as a FailedMount event and retried; throw
//     VolumeSetupError for expected conditions (the message is shown as it is).
import type { PersistentVolume, PersistentVolumeClaim, Volume } from '../../api/types/generated.js';
import type { PodObject } from '../types.js';
import { VolumeSetupError } from './projections.js';

/** One PV-backed volume of one pod, ready for its plugin. */
export interface PersistentVolumeMount {
  pod: PodObject;
  /** The pod's volume (spec.volumes[]). */
  volume: Volume;
  claim: PersistentVolumeClaim;
  pv: PersistentVolume;
  /** Read-only by the pod's claim source (`persistentVolumeClaim.readOnly`) or the PV source's own readOnly. */
  readOnly: boolean;
  /** Per-pod target path `<root>/pods/<uid>/volumes/<pluginDir(name)>/<pv name>`; not created yet. */
  dir: string;
  /** `<root>/plugins/<pluginDir(name)>`: the plugin's node-wide state (staging paths and the like). */
  globalDir: string;
}

/** What the runtime gives the containers: a directory to bind-mount, or a block device node. */
export interface MountedVolume {
  path: string;
  block: boolean;
}

/** A volume to tear down: the pod's uid and the per-pod directory its setUp was given. */
export interface PersistentVolumeTearDown {
  podUid: string;
  dir: string;
  globalDir: string;
}

export interface PersistentVolumePlugin {
  /** Upstream's plugin name, e.g. `kubernetes.io/local-volume`, `kubernetes.io/csi`. */
  readonly name: string;
  canSupport(pv: PersistentVolume): boolean;
  /** Upstream's unique volume name for Node `status.volumesInUse`: `<plugin name>/<volume id>`. */
  uniqueName(pv: PersistentVolume): string;
  /**
   * Whether the kubelet gives the mounted volume the pod's fsGroup after setUp (upstream's
   * ownership management: local yes, hostPath no, CSI by its CSIDriver's fsGroupPolicy).
   */
  appliesFsGroup(m: PersistentVolumeMount): boolean;
  setUp(m: PersistentVolumeMount): Promise<MountedVolume>;
  tearDown(t: PersistentVolumeTearDown): Promise<void>;
}

/** One inline volume of a pod (a `csi:` volume source), for a plugin that also serves inline volumes. */
export interface InlineVolumeMount {
  pod: PodObject;
  volume: Volume;
  /** Per-pod directory `<root>/pods/<uid>/volumes/<plugin dir>/<volume name>`; not created yet. */
  dir: string;
  globalDir: string;
}

/**
 * A PV plugin that also mounts volumes declared inline in the pod spec (upstream's CSI inline
 * ephemeral volumes). They live under the same plugin directory, so the PV plugin's tearDown
 * removes them too.
 */
export interface InlineVolumePlugin extends PersistentVolumePlugin {
  canSupportInline(v: Volume): boolean;
  /** Whether the kubelet applies the pod's fsGroup after setUpInline. */
  appliesFsGroupInline(m: InlineVolumeMount): boolean;
  setUpInline(m: InlineVolumeMount): Promise<MountedVolume>;
}

export function isInlineVolumePlugin(p: PersistentVolumePlugin): p is InlineVolumePlugin {
  return typeof (p as Partial<InlineVolumePlugin>).setUpInline === 'function';
}

/** The directory name of a plugin under `volumes/` and `plugins/`: its name with `/` → `~`, as upstream. */
export function pluginDir(name: string): string {
  return name.replace(/\//g, '~');
}

/** The claim a pod volume uses: `persistentVolumeClaim.claimName`, or `<pod>-<volume>` for an ephemeral volume. */
export function claimNameOf(pod: PodObject, v: Volume): string | undefined {
  if (v.persistentVolumeClaim) return v.persistentVolumeClaim.claimName;
  if (v.ephemeral) return `${pod.metadata.name}-${v.name}`;
  return undefined;
}

/** The claim or PV of a pod volume is not (yet) usable: upstream's "failed to process volumes". */
export class UnprocessedVolumeError extends VolumeSetupError {}

export interface ClaimSource {
  persistentVolumeClaim(namespace: string, name: string): Promise<PersistentVolumeClaim | undefined>;
  persistentVolume(name: string): Promise<PersistentVolume | undefined>;
}

/**
 * The claim and bound PV of a pod volume, refused with upstream's messages (the kubelet's
 * desired-state populator) when the claim is missing, being deleted, not bound, not the pod's own
 * (ephemeral), or when the PV does not point back at the claim.
 */
export async function resolvePersistentVolume(pod: PodObject, v: Volume, src: ClaimSource): Promise<{ claim: PersistentVolumeClaim; pv: PersistentVolume }> {
  const ns = pod.metadata.namespace ?? 'default';
  const name = claimNameOf(pod, v)!;
  const claim = await src.persistentVolumeClaim(ns, name);
  const fail = (msg: string) => new UnprocessedVolumeError(`error processing PVC ${ns}/${name}: ${msg}`);
  if (!claim) throw fail(`failed to fetch PVC from API server: persistentvolumeclaims "${name}" not found`);
  if (v.ephemeral && !claim.metadata?.ownerReferences?.some(o => o.controller && o.uid === pod.metadata.uid)) {
    throw fail(`PVC ${ns}/${name} was not created for pod ${ns}/${pod.metadata.name} (pod is not owner)`);
  }
  if (claim.metadata?.deletionTimestamp) throw fail(`can't start pod because PVC ${ns}/${name} is being deleted`);
  const pvName = claim.spec?.volumeName ?? '';
  if (claim.status?.phase !== 'Bound' || !pvName) {
    throw fail(`PVC ${ns}/${name} has non-bound phase ("${claim.status?.phase ?? 'Pending'}") or empty pvc.Spec.VolumeName ("${pvName}")`);
  }
  const pv = await src.persistentVolume(pvName);
  if (!pv) throw fail(`failed to fetch PV ${pvName} from API server: persistentvolumes "${pvName}" not found`);
  const ref = pv.spec?.claimRef;
  if (!ref) throw fail(`found PV object ${pvName} but it has a nil pv.Spec.ClaimRef indicating it is not yet bound to the claim`);
  if (ref.uid !== claim.metadata?.uid) {
    throw fail(`found PV object ${pvName} but its pv.Spec.ClaimRef.UID (${ref.uid ?? ''}) does not point to claim.UID (${claim.metadata?.uid ?? ''})`);
  }
  return { claim, pv };
}
