// Writes an object's status through its /status subresource. The cached copy may be stale: on a
// Conflict the object is re-read once and the computed status written onto the fresh copy. An
// object deleted meanwhile needs no status.
import { isConflict } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { ignoreNotFound } from '../../client/api-errors.js';
import type { RestClient } from '../../client/rest-client.js';
import { objectPath, type ResourceRef } from '../../client/resources.js';

export async function writeStatus<T extends KubeObject>(client: RestClient, r: ResourceRef, obj: T, status: unknown): Promise<T | undefined> {
  const path = objectPath(r, obj.metadata.namespace, obj.metadata.name!, 'status');
  return ignoreNotFound((async () => {
    try {
      return await client.update<T>(path, { ...obj, status });
    } catch (err) {
      if (!isConflict(err)) throw err;
      const fresh = await client.get<T>(objectPath(r, obj.metadata.namespace, obj.metadata.name!));
      if (fresh.metadata.uid !== obj.metadata.uid) return undefined;
      return await client.update<T>(path, { ...fresh, status });
    }
  })());
}
