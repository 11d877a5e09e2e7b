// The decisions of the pvc-protection and pv-protection controllers (upstream's
// pkg/controller/volume/pvcprotection and pvprotection): a protected object keeps its finalizer
// while in use and loses it once deletion is requested and nothing uses it any more.
import type { KubeObject } from '../../api/object.js';
import type { PersistentVolume, PersistentVolumeClaim } from '../../api/volume-binding.js';
import type { Pod } from '../workloads/types.js';

export type ProtectionAction = 'add' | 'remove' | undefined;

/** IsDeletionCandidate / NeedToAddFinalizer: remove when deleting and unused; add when missing. */
export function protectionAction(obj: KubeObject, finalizer: string, inUse: () => boolean): ProtectionAction {
  const has = (obj.metadata.finalizers ?? []).includes(finalizer);
  if (obj.metadata.deletionTimestamp) return has && !inUse() ? 'remove' : undefined;
  return has ? undefined : 'add';
}

/** The kubelet is done with the pod, or it was force-deleted: deleted with no grace left. */
function podIsShutDown(pod: Pod): boolean {
  return !!pod.metadata.deletionTimestamp && pod.metadata.deletionGracePeriodSeconds === 0;
}

/**
 * Whether a pod uses the claim (podUsesPVC): only scheduled pods count, since a kubelet never starts
 * a pod whose claim is being deleted. A persistentVolumeClaim volume counts as long as the pod
 * exists; an ephemeral volume's `<pod>-<volume>` claim, owned by the pod, until the pod shut down.
 */
export function podUsesClaim(pod: Pod, claim: PersistentVolumeClaim): boolean {
  if (!pod.spec?.nodeName || pod.metadata.namespace !== claim.metadata.namespace) return false;
  return (pod.spec.volumes ?? []).some(v =>
    v.persistentVolumeClaim?.claimName === claim.metadata.name ||
    (!!v.ephemeral && !podIsShutDown(pod) && `${pod.metadata.name}-${v.name}` === claim.metadata.name && isClaimForPod(pod, claim)));
}

/** The claim's controller is this very pod (ephemeral.VolumeIsForPod). */
export function isClaimForPod(pod: Pod, claim: PersistentVolumeClaim): boolean {
  return (claim.metadata.ownerReferences ?? []).some(r => r.controller && r.uid === pod.metadata.uid);
}

/** A volume is in use while bound. */
export const volumeInUse = (volume: PersistentVolume): boolean => volume.status?.phase === 'Bound';

/** The object without (or with) the finalizer. */
export function withFinalizer<T extends KubeObject>(obj: T, finalizer: string, action: 'add' | 'remove'): T {
  const next = structuredClone(obj);
  const rest = (next.metadata.finalizers ?? []).filter(f => f !== finalizer);
  next.metadata.finalizers = action === 'add' ? [...rest, finalizer] : rest;
  return next;
}
