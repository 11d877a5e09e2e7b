// What the PV controller does with one volume (upstream's syncVolume and reclaimVolume in
// pv_controller.go), decided from the volume and its claim (undefined when that claim is gone or
// is a namesake with another UID). The executor in persistentvolume.ts acts on it.
import {
  ANN_BOUND_BY_CONTROLLER, ANN_PROVISIONED_BY, hasAnnotation, isVolumeBoundToClaim, volumeModeMismatch, type PersistentVolume, type PersistentVolumeClaim,
} from '../../api/volume-binding.js';
import type { PlannedEvent } from './pv-claim-plan.js';

/** One phase write; its Event goes out only if the phase actually changes (updateVolumePhaseWithEvent). */
export interface PhaseStep {
  phase: 'Available' | 'Bound' | 'Released' | 'Failed';
  message?: string;
  event?: PlannedEvent;
}

export interface VolumePlan {
  /** Undo a binding the claim does not share: drop the claimRef (the controller's own) or just its UID (the user's). */
  unbind?: 'claimRef' | 'uid';
  /** Phase writes, in order. */
  phases: PhaseStep[];
  /** The claim should be synced now (it has to finish a binding this volume already holds). */
  syncClaim?: boolean;
  /** Events on the volume and on the claim about a binding that cannot be. */
  volumeEvent?: PlannedEvent;
  claimEvent?: PlannedEvent;
}

export function planVolume(volume: PersistentVolume, claim: PersistentVolumeClaim | undefined): VolumePlan {
  const ref = volume.spec?.claimRef;
  // Unused, or reserved for a claim that has not bound yet: the claim's sync does the rest.
  if (!ref || !ref.uid) return { phases: [{ phase: 'Available' }] };
  if (!claim) return { phases: [...releaseStep(volume), ...reclaimSteps(volume)] };
  const boundTo = claim.spec?.volumeName;
  if (!boundTo) {
    if (volumeModeMismatch(claim, volume)) {
      return {
        phases: [],
        volumeEvent: { type: 'Warning', reason: 'VolumeMismatch', message: `Cannot bind PersistentVolume to requested PersistentVolumeClaim "${claim.metadata.name}" due to incompatible volumeMode.` },
        claimEvent: { type: 'Warning', reason: 'VolumeMismatch', message: `Cannot bind PersistentVolume "${volume.metadata.name}" to requested PersistentVolumeClaim due to incompatible volumeMode.` },
      };
    }
    // Bound on this side only (a provisioner's new volume, or a user's pre-binding): the claim binds.
    return { phases: [], syncClaim: true };
  }
  if (boundTo === volume.metadata.name) return { phases: [{ phase: 'Bound' }] };
  // The claim is bound to another volume.
  if (hasAnnotation(volume, ANN_PROVISIONED_BY) && volume.spec?.persistentVolumeReclaimPolicy === 'Delete') {
    // Provisioned for this claim, which got another one: released for its provisioner to delete.
    return { phases: [...releaseStep(volume), ...reclaimSteps(volume)] };
  }
  return { unbind: hasAnnotation(volume, ANN_BOUND_BY_CONTROLLER) ? 'claimRef' : 'uid', phases: [{ phase: 'Available' }] };
}

/** Released, unless a Failed reclaim is to stay visible. */
function releaseStep(volume: PersistentVolume): PhaseStep[] {
  const phase = volume.status?.phase;
  return phase === 'Released' || phase === 'Failed' ? [] : [{ phase: 'Released' }];
}

/**
 * reclaimVolume: Retain keeps the volume Released; Delete of a provisioned volume is its external
 * provisioner's job; Delete of any other volume, and Recycle, need a volume plugin inside the
 * controller, which k8ts does not have: the volume fails as upstream's fails without one.
 */
function reclaimSteps(volume: PersistentVolume): PhaseStep[] {
  const failed = (reason: string, message: string): PhaseStep[] => [{ phase: 'Failed', message, event: { type: 'Warning', reason, message } }];
  switch (volume.spec?.persistentVolumeReclaimPolicy) {
    case 'Retain':
      return [];
    case 'Delete':
      if (volume.metadata.annotations?.[ANN_PROVISIONED_BY]) return [];
      return failed('VolumeFailedDelete', `error getting deleter volume plugin for volume "${volume.metadata.name}": no deletable volume plugin matched`);
    case 'Recycle':
      return failed('VolumeFailedRecycle', 'No recycler plugin found for the volume!');
    default:
      return failed('VolumeUnknownReclaimPolicy', 'Volume has unrecognized PersistentVolumeReclaimPolicy');
  }
}

/** The volume as unbound (unbindVolume); the executor then marks it Available. */
export function volumeUnbound(volume: PersistentVolume, how: 'claimRef' | 'uid'): PersistentVolume {
  const next = structuredClone(volume);
  if (how === 'claimRef') {
    delete next.spec!.claimRef;
    delete next.metadata.annotations?.[ANN_BOUND_BY_CONTROLLER];
  } else {
    delete next.spec!.claimRef!.uid;
  }
  return next;
}

/** The volume bound to `claim` (GetBindVolumeToClaim); undefined when nothing changes. */
export function volumeBoundTo(volume: PersistentVolume, claim: PersistentVolumeClaim, reference: NonNullable<PersistentVolume['spec']>['claimRef']): PersistentVolume | undefined {
  const next = structuredClone(volume);
  const ref = volume.spec?.claimRef;
  let dirty = false;
  const alreadyTheClaims = isVolumeBoundToClaim(volume, claim);
  if (!ref || ref.name !== claim.metadata.name || ref.namespace !== claim.metadata.namespace || ref.uid !== claim.metadata.uid) {
    (next.spec ??= {}).claimRef = reference;
    dirty = true;
  }
  if (!alreadyTheClaims && !hasAnnotation(next, ANN_BOUND_BY_CONTROLLER)) {
    (next.metadata.annotations ??= {})[ANN_BOUND_BY_CONTROLLER] = 'yes';
    dirty = true;
  }
  return dirty ? next : undefined;
}
