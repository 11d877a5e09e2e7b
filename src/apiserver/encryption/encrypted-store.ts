// The store the registry uses when --encryption-provider-config is given: every resource's values
// go through the transformer the config gives it (identity for the rest, which still refuses to
// read encrypted data as plain, as upstream's).
import type { ResourceCatalog } from '../../api/catalog.js';
import type { ValueTransformer } from '../../storage/encryption/transformer.js';
import { TransformingStore } from '../../storage/encryption/transforming-store.js';
import type { Store } from '../../storage/types.js';
import { resourcePrefix } from '../registry/keys.js';
import type { EncryptionConfig } from './config.js';

const REGISTRY = '/registry/';

export function encryptedStore(store: Store, config: EncryptionConfig, catalog: ResourceCatalog): Store {
  const byPrefix = new Map<string, ValueTransformer>();
  for (const info of catalog.all()) byPrefix.set(resourcePrefix(info), config.transformerFor(info.group, info.resource));
  // Keys are /registry/<resource>/... (core) or /registry/<group>/<resource>/...; no core
  // resource is named as a group, so the longer prefix is tried first.
  return new TransformingStore(store, key => {
    if (!key.startsWith(REGISTRY)) return undefined;
    const first = key.indexOf('/', REGISTRY.length);
    if (first < 0) return undefined;
    const second = key.indexOf('/', first + 1);
    return (second > 0 ? byPrefix.get(key.slice(0, second + 1)) : undefined) ?? byPrefix.get(key.slice(0, first + 1));
  });
}
