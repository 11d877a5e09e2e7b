// Writes an object's status through its /status subresource. The cached copy may be stale: on a
// Conflict the object is re-read once and the computed status written onto the fresh copy. An
// object deleted meanwhile needs no status.
import { StatusError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import type { RestClient } from '../../client/rest-client.js';
import { objectPath, type ResourceRef } from '../../client/resources.js';

export async function writeStatus<T extends KubeObject>(client: RestClient, r: ResourceRef, obj: T, status: unknown): Promise<T | undefined> {
  const path = objectPath(r, obj.metadata.namespace, obj.metadata.name!, 'status');
  try {
    try {
      return await client.update<T>(path, { ...obj, status });
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 409)) throw err;
      const fresh = await client.get<T>(objectPath(r, obj.metadata.namespace, obj.metadata.name!));
      if (fresh.metadata.uid !== obj.metadata.uid) return undefined;
      return await client.update<T>(path, { ...fresh, status });
    }
  } catch (err) {
    if (err instanceof StatusError && err.code === 404) return undefined;
    throw err;
  }
}
