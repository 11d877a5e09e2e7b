// Who owns a StatefulSet's claims, as upstream's StatefulSetAutoDeletePVC (updateClaimOwnerRefForSetAndPod):
// `persistentVolumeClaimRetentionPolicy` is carried out by owner references and the garbage
// collector. whenDeleted: Delete makes the set the claim's controller (the claim goes with the
// set); whenScaled: Delete makes a condemned pod its controller (the claim goes with that pod);
// Retain on both leaves the claims to the user, so scaling down and up finds them again.
import type { OwnerReference } from '../../api/object.js';
import { controllerRefTo } from './controller-ref.js';
import type { PersistentVolumeClaim, Pod, StatefulSet } from './types.js';

/**
 * The claim's owner references under the set's policy, for its pod (if it exists) that is being
 * scaled down or not; undefined when they are already right.
 */
export function claimOwnersFor(claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod | undefined, scaledDown: boolean): OwnerReference[] | undefined {
  const policy = set.spec.persistentVolumeClaimRetentionPolicy ?? {};
  const deleteWithSet = policy.whenDeleted === 'Delete';
  const deleteWhenScaled = policy.whenScaled === 'Delete';
  const refs = claim.metadata.ownerReferences ?? [];
  const isSet = (r: OwnerReference) => r.kind === 'StatefulSet' && r.uid === set.metadata.uid;
  const isPod = (r: OwnerReference) => r.kind === 'Pod' && r.apiVersion === 'v1' && r.name === pod?.metadata.name;
  // The set's reference is wanted unless the claim now follows its condemned pod.
  const wantSet = deleteWithSet && !(deleteWhenScaled && scaledDown);
  const wantPod = deleteWhenScaled && scaledDown && !!pod?.metadata.uid;
  // A claim someone else controls is left alone (hasUnexpectedController).
  if (refs.some(r => r.controller && !isSet(r) && !isPod(r))) return undefined;
  const next = refs.filter(r => !isSet(r) && !isPod(r));
  if (wantSet) next.push(controllerRefTo(set, 'apps/v1', 'StatefulSet'));
  if (wantPod) next.push(controllerRefTo(pod!, 'v1', 'Pod'));
  const key = (list: OwnerReference[]) => JSON.stringify(list.map(r => [r.kind, r.name, r.uid, !!r.controller]).sort());
  return key(next) === key(refs) ? undefined : next;
}
