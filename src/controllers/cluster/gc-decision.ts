// What the garbage collector does with one object, decided from the state of its owners, as
// upstream's attemptToDeleteItem / processDeletingDependentsItem / orphanDependents.
import type { OwnerReference } from '../../api/object.js';
import { FOREGROUND, ORPHAN, isDeletingDependents, isOrphaning, type GraphNode } from './gc-graph.js';

/**
 * solid: exists and is not waiting for its dependents; dangling: gone (or replaced by a namesake
 * with another UID); waiting: being deleted in the foreground.
 */
export type OwnerState = 'solid' | 'dangling' | 'waiting';

export type GcAction =
  | { type: 'none' }
  /** Drop these owner references from the object. */
  | { type: 'removeOwnerRefs'; uids: string[] }
  /** Delete the object with this propagation policy. */
  | { type: 'delete'; policy: 'Foreground' | 'Background' | 'Orphan' }
  /** Remove a finalizer from the object, its deletion work being done. */
  | { type: 'removeFinalizer'; finalizer: string }
  /** Orphan these dependents (drop their references to this object), then remove `orphan`. */
  | { type: 'orphanDependents'; dependents: GraphNode[] }
  /** A foreground deletion still waits for these dependents: each is (re)considered for deletion. */
  | { type: 'waitFor'; dependents: GraphNode[] };

export function classifyOwners(owners: OwnerReference[], state: Map<string, OwnerState>) {
  const solid: OwnerReference[] = [];
  const dangling: OwnerReference[] = [];
  const waiting: OwnerReference[] = [];
  for (const o of owners) {
    const s = state.get(o.uid) ?? 'solid';
    (s === 'solid' ? solid : s === 'dangling' ? dangling : waiting).push(o);
  }
  return { solid, dangling, waiting };
}

/** The decision for a dependent (an object with owners), given each owner's state. */
export function decideForDependent(item: GraphNode, ownerStates: Map<string, OwnerState>, hasDependents: boolean): GcAction {
  if (item.deleting || !item.owners.length) return { type: 'none' };
  const { solid, dangling, waiting } = classifyOwners(item.owners, ownerStates);
  if (solid.length) {
    if (!dangling.length && !waiting.length) return { type: 'none' };
    // A solid owner keeps the object; references to owners that are gone or waiting on it are dropped
    // so that nothing blocks on (or points at) them.
    return { type: 'removeOwnerRefs', uids: [...dangling, ...waiting].map(o => o.uid) };
  }
  // An owner deleting in the foreground waits for this object; if the object has dependents of its
  // own, those must go first, so it is deleted in the foreground too.
  if (waiting.length && hasDependents) return { type: 'delete', policy: 'Foreground' };
  if (item.finalizers.includes(ORPHAN)) return { type: 'delete', policy: 'Orphan' };
  if (item.finalizers.includes(FOREGROUND)) return { type: 'delete', policy: 'Foreground' };
  return { type: 'delete', policy: 'Background' };
}

/** The decision for an object being deleted with the orphan or foregroundDeletion finalizer. */
export function decideForDeletingOwner(owner: GraphNode, dependents: GraphNode[], blocking: GraphNode[]): GcAction {
  if (isOrphaning(owner)) {
    return dependents.length ? { type: 'orphanDependents', dependents } : { type: 'removeFinalizer', finalizer: ORPHAN };
  }
  if (isDeletingDependents(owner)) {
    return blocking.length ? { type: 'waitFor', dependents: blocking } : { type: 'removeFinalizer', finalizer: FOREGROUND };
  }
  return { type: 'none' };
}
