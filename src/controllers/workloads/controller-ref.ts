// Ownership: the controllerRef a controller stamps on what it creates, and claiming — keeping what
// it owns and still selects, adopting matching orphans, releasing owned objects it no longer
// selects — with upstream's patches (strategic merge on ownerReferences, guarded by the UID; the
// owner's finalizers, if it keeps any on what it controls, added and removed in the same patch).
import { isConflict, isNotFound, StatusError } from '../../api/errors.js';
import { ignoreNotFound } from '../../client/api-errors.js';
import type { KubeObject, OwnerReference } from '../../api/object.js';
import type { RestClient } from '../../client/rest-client.js';
import { controllerOf } from '../owner-index.js';
import type { LabelSelector } from '../../api/selectors/label-selector.js';

export function controllerRefTo(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

export interface ClaimOptions<T extends KubeObject> {
  client: RestClient;
  owner: KubeObject;
  ownerRef: OwnerReference;
  selector: LabelSelector;
  candidates: T[];
  /** A further condition on top of the selector (a StatefulSet claims only `<set>-<n>` pods). */
  accepts?(obj: T): boolean;
  /** The API path of a candidate, for the adopt/release patches. */
  pathOf(obj: T): string;
  /**
   * Re-reads the owner from the API server before the first adoption: a cached owner may already
   * be deleted or replaced by a namesake, and adopting into it would leak the orphan.
   */
  ownerStillValid(): Promise<boolean>;
  /**
   * Finalizers the owner keeps on what it controls (the Job's tracking finalizer): put on in the
   * adoption patch and taken off in the release patch, as upstream's ControllerRefManager does.
   */
  finalizers?: string[];
}

/** Returns the candidates the owner controls after adopting and releasing as needed. */
export async function claim<T extends KubeObject>(o: ClaimOptions<T>): Promise<T[]> {
  const claimed: T[] = [];
  const ownerDeleting = Boolean(o.owner.metadata.deletionTimestamp);
  let canAdopt: boolean | undefined;
  for (const obj of o.candidates) {
    const ref = controllerOf(obj);
    const matches = o.selector.matches(obj.metadata.labels) && (o.accepts?.(obj) ?? true);
    if (ref) {
      if (ref.uid !== o.ownerRef.uid) continue;
      if (matches) { claimed.push(obj); continue; }
      if (ownerDeleting) continue;
      await ignoreGone(o.client.patch(o.pathOf(obj), {
        metadata: {
          ownerReferences: [{ $patch: 'delete', uid: o.ownerRef.uid }], uid: obj.metadata.uid,
          ...(o.finalizers?.length ? { '$deleteFromPrimitiveList/finalizers': o.finalizers } : {}),
        },
      }, 'strategic'));
      continue;
    }
    if (ownerDeleting || !matches || obj.metadata.deletionTimestamp) continue;
    canAdopt ??= await o.ownerStillValid();
    if (!canAdopt) continue;
    const adopted = await ignoreGone(o.client.patch<T>(o.pathOf(obj), {
      metadata: { ownerReferences: [o.ownerRef], uid: obj.metadata.uid, ...(o.finalizers?.length ? { finalizers: o.finalizers } : {}) },
    }, 'strategic'));
    if (adopted) claimed.push(adopted);
  }
  return claimed;
}

/** A write whose target vanished (404) or changed (409, or 422 on a uid or `test` guard) is moot. */
export async function ignoreGone<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (isNotFound(err) || isConflict(err) || (err instanceof StatusError && err.code === 422)) return undefined;
    throw err;
  }
}

/** Whether a freshly read owner is still the one we hold (same UID, not being deleted). */
export async function ownerIsCurrent(client: RestClient, path: string, uid: string): Promise<boolean> {
  const fresh = await ignoreNotFound(client.get<KubeObject>(path));
  return fresh !== undefined && fresh.metadata.uid === uid && !fresh.metadata.deletionTimestamp;
}
