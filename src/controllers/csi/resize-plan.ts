// external-resizer's decisions for one claim, as pure functions: whether the claim asks for more
// than it has, whether the PV still has to grow at the driver (ControllerExpandVolume) or only the
// node's filesystem is left, and the claim status for each step (conditions Resizing and
// FileSystemResizePending, allocatedResources and allocatedResourceStatuses as in v1.32).
import type { PersistentVolume, PersistentVolumeClaim, PersistentVolumeClaimCondition } from '../../api/types/generated.js';
import { compareQuantityText } from '../../api/quantity.js';
import { findCondition, removeCondition, setCondition } from '../../api/conditions.js';

type Quantity = string | number;
export type ResizeDecision = { action: 'none' } | { action: 'expand'; requested: Quantity };

const storageOf = (r: Record<string, Quantity> | undefined): Quantity | undefined => r?.storage;

/**
 * `expand`: call the driver. Also when the PV already has the size but the claim still says
 * Resizing (an expansion interrupted after the PV update): ControllerExpandVolume is idempotent and
 * says again whether the node must grow the filesystem, as upstream retries it.
 */
export function planResize(claim: PersistentVolumeClaim, pv: PersistentVolume | undefined, driver: string): ResizeDecision {
  if (claim.status?.phase !== 'Bound' || !pv || pv.spec?.csi?.driver !== driver) return { action: 'none' };
  if (pv.metadata?.name !== claim.spec?.volumeName) return { action: 'none' };
  const requested = storageOf(claim.spec?.resources?.requests);
  const current = storageOf(claim.status?.capacity);
  if (!requested || !current || compareQuantityText(requested, current) <= 0) return { action: 'none' };
  const pvSize = storageOf(pv.spec?.capacity);
  if (!pvSize || compareQuantityText(pvSize, requested) < 0) return { action: 'expand', requested };
  // The PV is big enough: the kubelet still has to grow the filesystem, or an expansion was interrupted.
  if (findCondition(claim.status?.conditions, 'FileSystemResizePending')) return { action: 'none' };
  if (findCondition(claim.status?.conditions, 'Resizing')) return { action: 'expand', requested };
  return { action: 'none' };
}

type ClaimStatus = NonNullable<PersistentVolumeClaim['status']>;
/** A merge patch of the claim's status: null removes a field. */
export type ClaimStatusPatch = { [K in keyof ClaimStatus]?: ClaimStatus[K] | null };
type Conditions = PersistentVolumeClaimCondition[] | undefined;

/** Before calling the driver: Resizing, and the size being allocated. */
export function resizeStartedStatus(claim: PersistentVolumeClaim, requested: Quantity): ClaimStatusPatch {
  return {
    conditions: setCondition<PersistentVolumeClaimCondition>(claim.status?.conditions, { type: 'Resizing', status: 'True' }),
    allocatedResources: { ...claim.status?.allocatedResources, storage: requested },
    allocatedResourceStatuses: { ...claim.status?.allocatedResourceStatuses, storage: 'ControllerResizeInProgress' },
  };
}

export const FS_RESIZE_PENDING_MESSAGE = 'Waiting for user to (re-)start a pod to finish file system resize of volume on node.';

/** The driver grew the volume; the node still has to grow the filesystem. */
export function nodeResizePendingStatus(claim: PersistentVolumeClaim): ClaimStatusPatch {
  const conditions: Conditions = removeCondition(claim.status?.conditions, 'Resizing');
  return {
    conditions: setCondition<PersistentVolumeClaimCondition>(conditions, { type: 'FileSystemResizePending', status: 'True', message: FS_RESIZE_PENDING_MESSAGE }),
    allocatedResourceStatuses: { ...claim.status?.allocatedResourceStatuses, storage: 'NodeResizePending' },
  };
}

/** Done: the claim has the new capacity and no resize conditions or statuses. */
export function resizeFinishedStatus(claim: PersistentVolumeClaim, size: Quantity): ClaimStatusPatch {
  const statuses = { ...claim.status?.allocatedResourceStatuses };
  delete statuses.storage;
  return {
    capacity: { ...claim.status?.capacity, storage: size },
    conditions: removeCondition(removeCondition(claim.status?.conditions, 'Resizing'), 'FileSystemResizePending') ?? [],
    allocatedResourceStatuses: Object.keys(statuses).length ? statuses : null,
  };
}

/** The driver refused for good (InvalidArgument, OutOfRange, ...): upstream marks it infeasible. */
export function resizeInfeasibleStatus(claim: PersistentVolumeClaim): ClaimStatusPatch {
  return {
    conditions: removeCondition(claim.status?.conditions, 'Resizing') ?? [],
    allocatedResourceStatuses: { ...claim.status?.allocatedResourceStatuses, storage: 'ControllerResizeInfeasible' },
  };
}
