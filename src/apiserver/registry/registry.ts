// All resource stores of the server, one GenericStore per served group/version/resource.
import { ResourceCatalog, type ResourceInfo } from '../../api/catalog.js';
import { versionCodec, type VersionCodec } from '../../api/conversion/index.js';
import type { Store } from '../../storage/types.js';
import { MeteredStore } from '../../storage/metered-store.js';
import type { StorageMetrics } from '../../storage/storage-metrics.js';
import type { AdmissionChain } from '../admission/types.js';
import { GenericStore, type WriteObserver } from './generic-store.js';
import type { ResourceStrategy } from './strategy.js';
import type { StoreConversion } from './store-conversion.js';
import type { WatchCache } from './watch-cache.js';

/** One version of a resource defined at run time (see Registry.serveDynamic). */
export interface DynamicVersion {
  info: ResourceInfo;
  strategy: ResourceStrategy;
  codec?: VersionCodec;
  conversion?: StoreConversion;
}

export type StrategyFactory = (info: ResourceInfo, registry: Registry) => ResourceStrategy;

export class Registry {
  private readonly stores = new Map<string, GenericStore>();
  private readonly preferred = new Map<string, GenericStore>();
  private observer?: WriteObserver;

  constructor(
    readonly catalog: ResourceCatalog,
    private readonly store: Store,
    private readonly admission: AdmissionChain,
    strategyFor: StrategyFactory,
    /** Where each resource's requests to the store are recorded (etcd_request_duration_seconds, ...). */
    private readonly storageMetrics?: StorageMetrics,
  ) {
    for (const info of catalog.all()) {
      const codec = versionCodec(info.group, info.version, info.resource);
      this.stores.set(storeKey(info.group, info.version, info.resource), new GenericStore(info, this.storeFor(info), strategyFor(info, this), admission, codec));
    }
  }

  /** The backend as one resource's store uses it: measured per resource when metrics are kept. */
  private storeFor(info: ResourceInfo): Store {
    return this.storageMetrics ? new MeteredStore(this.store, this.storageMetrics, groupResource(info)) : this.store;
  }

  /** Tells `observer` of every successful write through any store, present or served later (the history). */
  observeWrites(observer: WriteObserver): void {
    this.observer = observer;
    for (const s of this.stores.values()) s.observer = observer;
  }

  async start(): Promise<void> {
    await Promise.all([...this.stores.values()].map(s => s.start()));
  }

  stop(): void {
    for (const s of this.stores.values()) s.cache.stop();
  }

  /**
   * Serves the versions of a resource defined at run time (a CRD's) once their watch cache has
   * loaded, replacing the stores that served them before; those stores' watches end. The versions
   * share one watch cache, `cacheOwner`'s (the storage version, served or not): the other versions
   * read its objects through their `conversion`.
   */
  async serveDynamic(cacheOwner: DynamicVersion, served: DynamicVersion[]): Promise<GenericStore[]> {
    const owner = this.dynamicStore(cacheOwner);
    await owner.start();
    const stores = served.map(v => (v === cacheOwner ? owner : this.dynamicStore(v, owner.cache)));
    const replaced = stores.map(next => {
      const key = storeKey(next.info.group, next.info.version, next.info.resource);
      const old = this.stores.get(key);
      this.stores.set(key, next);
      return old;
    });
    for (const old of replaced) if (old) this.stopCacheIfUnused(old.cache);
    this.preferred.clear();
    return stores;
  }

  private dynamicStore(v: DynamicVersion, sharedCache?: WatchCache): GenericStore {
    const store = new GenericStore(v.info, this.storeFor(v.info), v.strategy, this.admission, v.codec, v.conversion, sharedCache);
    store.observer = this.observer;
    return store;
  }

  /** Stops serving a resource added by serveDynamic. */
  unserveDynamic(group: string, version: string, resource: string): void {
    const key = storeKey(group, version, resource);
    const old = this.stores.get(key);
    this.stores.delete(key);
    if (old) this.stopCacheIfUnused(old.cache);
    this.preferred.clear();
  }

  /**
   * Stops a watch cache no served store reads any more. A CRD's versions share one cache, so the
   * versions still served keep it when another is unserved, until serveDynamic replaces them all.
   */
  private stopCacheIfUnused(cache: WatchCache): void {
    for (const s of this.stores.values()) if (s.cache === cache) return;
    cache.stop();
  }

  find(group: string, version: string, resource: string): GenericStore | undefined {
    return this.stores.get(storeKey(group, version, resource));
  }

  /** The store of a resource at its preferred version (for in-server lookups such as admission). */
  get(group: string, resource: string): GenericStore {
    // Admission looks stores up on every write: remember them rather than search the groups again.
    const key = `${group}/${resource}`;
    let s = this.preferred.get(key);
    if (s) return s;
    const version = this.catalog.groups().find(g => g.name === group)?.preferredVersion ?? 'v1';
    s = this.find(group, version, resource);
    if (!s) throw new Error(`no store for ${resource}.${group}`);
    this.preferred.set(key, s);
    return s;
  }

  /** Stored objects per resource, named as upstream's apiserver_storage_objects names them ("pods", "deployments.apps"). */
  objectCounts(): Map<string, number> {
    const out = new Map<string, number>();
    // Every served version of a resource holds the same objects; count each resource once.
    for (const s of this.stores.values()) out.set(groupResource(s.info), s.cache.size);
    return out;
  }
}

/** Upstream's GroupResource.String(): "pods", "deployments.apps" — how storage series name a resource. */
function groupResource(info: Pick<ResourceInfo, 'group' | 'resource'>): string {
  return info.group ? `${info.resource}.${info.group}` : info.resource;
}

function storeKey(group: string, version: string, resource: string): string {
  return `${group}/${version}/${resource}`;
}
