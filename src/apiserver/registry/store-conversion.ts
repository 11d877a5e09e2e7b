// Conversion a store cannot do as it decodes: a CRD whose versions are converted by its webhook.
// Such a store (and its watch cache) keeps objects exactly as stored, at whatever version each was
// written; reads are converted to the store's version after they are read, writes to the storage
// version before they are encoded. Both are calls to the webhook, hence asynchronous.
import type { KubeObject } from '../../api/object.js';

export interface StoreConversion {
  /** One stored object at the store's version, defaulted; never the caller's (cached) object. */
  toVersion(stored: KubeObject): Promise<KubeObject>;
  /** Stored objects at the store's version, in one call (a list or page). */
  toVersionList(stored: KubeObject[]): Promise<KubeObject[]>;
  /** An object at the store's version in the storage version, as it is to be stored. */
  toStorage(obj: KubeObject): Promise<KubeObject>;
}
