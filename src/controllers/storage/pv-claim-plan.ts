// What the PV controller does with one claim (upstream's syncClaim: syncUnboundClaim and
// syncBoundClaim in pkg/controller/volume/persistentvolume/pv_controller.go), decided from the
// claim and the cached volumes and classes alone. The executor in persistentvolume.ts acts on it.
import { claimClass, claimHasClass } from '../../api/storage-class.js';
import {
  ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_SELECTED_NODE, findBestMatchForClaim, hasAnnotation, isVolumeBoundToClaim,
  volumeUnfitForClaim, type PersistentVolume, type PersistentVolumeClaim, type StorageClass,
} from '../../api/volume-binding.js';
import { jsonEqual } from '../../util/json-equal.js';

export interface PlannedEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export type ClaimPlan =
  /** Bind (or finish binding) the claim and the volume: volume claimRef, phases, claim volumeName and status. */
  | { action: 'bind'; volume: PersistentVolume }
  /** Phase Pending (status without modes or capacity), with an Event on every sync, as upstream. */
  | { action: 'pending'; event?: PlannedEvent }
  /** Phase Lost, a terminal phase, its Event sent only when the phase changes. */
  | { action: 'lost'; event: PlannedEvent }
  /** Ask an external provisioner: its name in the claim's annotations, then wait (Pending). */
  | { action: 'provision'; provisioner: string; event: PlannedEvent }
  /** Give a claim that names no class the default class made since it was created (retroactive default). */
  | { action: 'assignClass'; className: string };

export interface ClaimView {
  volumes: PersistentVolume[];
  volume(name: string): PersistentVolume | undefined;
  storageClass(name: string): StorageClass | undefined;
  /** Pods using the claim that the scheduler has not placed yet (for WaitForFirstConsumer's message). */
  unscheduledPods: string[];
  /** The default StorageClass now, if any. */
  defaultClass?: string;
}

/** In-tree provisioners (kubernetes.io/...) are plugins of the controller itself; k8ts has none. */
const IN_TREE_PREFIX = 'kubernetes.io/';

export function planClaim(claim: PersistentVolumeClaim, view: ClaimView): ClaimPlan {
  return hasAnnotation(claim, ANN_BIND_COMPLETED) ? planBoundClaim(claim, view) : planUnboundClaim(claim, view);
}

function planUnboundClaim(claim: PersistentVolumeClaim, view: ClaimView): ClaimPlan {
  const wanted = claim.spec?.volumeName;
  if (!wanted) {
    const delayBinding = shouldDelayBinding(claim, view);
    const volume = findBestMatchForClaim(claim, view.volumes, { delayBinding });
    if (volume) return { action: 'bind', volume };
    if (!claimHasClass(claim) && view.defaultClass) return { action: 'assignClass', className: view.defaultClass };
    if (delayBinding && !hasAnnotation(claim, ANN_SELECTED_NODE)) return { action: 'pending', event: waitForConsumer(view.unscheduledPods) };
    const className = claimClass(claim);
    if (className) return provisionPlan(className, view);
    return { action: 'pending', event: { type: 'Normal', reason: 'FailedBinding', message: 'no persistent volumes available for this claim and no storage class is set' } };
  }
  // The user asked for a specific volume.
  const volume = view.volume(wanted);
  if (!volume) return { action: 'pending' };
  if (!volume.spec?.claimRef) {
    const unfit = volumeUnfitForClaim(volume, claim);
    if (unfit) return { action: 'pending', event: { type: 'Warning', reason: 'VolumeMismatch', message: `Cannot bind to requested volume "${volume.metadata.name}": ${unfit}` } };
    return { action: 'bind', volume };
  }
  if (isVolumeBoundToClaim(volume, claim)) return { action: 'bind', volume };
  return { action: 'pending', event: { type: 'Warning', reason: 'FailedBinding', message: `volume "${volume.metadata.name}" already bound to a different claim.` } };
}

function planBoundClaim(claim: PersistentVolumeClaim, view: ClaimView): ClaimPlan {
  const lost = (reason: string, message: string): ClaimPlan => ({ action: 'lost', event: { type: 'Warning', reason, message } });
  const name = claim.spec?.volumeName;
  if (!name) return lost('ClaimLost', 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!');
  const volume = view.volume(name);
  if (!volume) return lost('ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
  const ref = volume.spec?.claimRef;
  // Unbound volume (or a cache that has not seen the binding yet) or the right claimant: (re)bind.
  if (!ref || ref.uid === claim.metadata.uid) return { action: 'bind', volume };
  return lost('ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly');
}

/** IsDelayBindingMode, unless the scheduler already chose the node for provisioning. */
function shouldDelayBinding(claim: PersistentVolumeClaim, view: ClaimView): boolean {
  if (hasAnnotation(claim, ANN_SELECTED_NODE)) return false;
  const className = claimClass(claim);
  return !!className && view.storageClass(className)?.volumeBindingMode === 'WaitForFirstConsumer';
}

function waitForConsumer(pods: string[]): PlannedEvent {
  if (!pods.length) return { type: 'Normal', reason: 'WaitForFirstConsumer', message: 'waiting for first consumer to be created before binding' };
  const which = pods.length > 1 ? `pods ${pods.join(',')}` : `pod ${pods[0]}`;
  return { type: 'Normal', reason: 'WaitForPodScheduled', message: `waiting for ${which} to be scheduled` };
}

function provisionPlan(className: string, view: ClaimView): ClaimPlan {
  const cls = view.storageClass(className);
  const failed = (message: string): ClaimPlan => ({ action: 'pending', event: { type: 'Warning', reason: 'ProvisioningFailed', message } });
  if (!cls) return failed(`storageclass.storage.k8s.io "${className}" not found`);
  const provisioner = cls.provisioner;
  if (provisioner.startsWith(IN_TREE_PREFIX)) return failed(`no volume plugin matched name: ${provisioner}`);
  return {
    action: 'provision', provisioner,
    event: {
      type: 'Normal', reason: 'ExternalProvisioning',
      message: `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
    },
  };
}

/** The claim as bound to `volume` (bindClaimToVolume); undefined when nothing changes. */
export function claimBoundTo(claim: PersistentVolumeClaim, volume: PersistentVolume): PersistentVolumeClaim | undefined {
  const next = structuredClone(claim);
  const annotations = (next.metadata.annotations ??= {});
  let dirty = false;
  if (next.spec?.volumeName !== volume.metadata.name) {
    (next.spec ??= {}).volumeName = volume.metadata.name;
    annotations[ANN_BOUND_BY_CONTROLLER] ??= 'yes';
    dirty = true;
  }
  if (!(ANN_BIND_COMPLETED in annotations)) {
    annotations[ANN_BIND_COMPLETED] = 'yes';
    dirty = true;
  }
  return dirty ? next : undefined;
}

/**
 * The claim's status for `phase` (updateClaimStatus): modes and capacity from the volume when bound
 * (capacity only as the claim becomes Bound: a later difference may be a resize in progress),
 * none otherwise; undefined when nothing changes.
 */
export function claimStatusFor(claim: PersistentVolumeClaim, phase: string, volume?: PersistentVolume): PersistentVolumeClaim['status'] | undefined {
  const current = claim.status ?? {};
  const next = { ...current, phase };
  if (!volume) {
    delete next.accessModes;
    delete next.capacity;
  } else {
    next.accessModes = volume.spec?.accessModes;
    if (current.phase !== phase && volume.spec?.capacity?.storage !== undefined && current.capacity?.storage !== volume.spec.capacity.storage) {
      next.capacity = { ...volume.spec.capacity };
    }
  }
  return jsonEqual(next, current) ? undefined : next;
}
