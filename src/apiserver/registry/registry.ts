// All resource stores of the server, one GenericStore per served group/version/resource.
import { ResourceCatalog, type ResourceInfo } from '../../api/catalog.js';
import { versionCodec, type VersionCodec } from '../../api/conversion/index.js';
import type { Store } from '../../storage/types.js';
import type { AdmissionChain } from '../admission/types.js';
import { GenericStore, type WriteObserver } from './generic-store.js';
import type { ResourceStrategy } from './strategy.js';
import type { StoreConversion } from './store-conversion.js';

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
  ) {
    for (const info of catalog.all()) {
      const codec = versionCodec(info.group, info.version, info.resource);
      this.stores.set(storeKey(info.group, info.version, info.resource), new GenericStore(info, store, strategyFor(info, this), admission, codec));
    }
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
   * Serves a resource defined at run time (a custom resource version) once its cache has loaded,
   * replacing the store that served it before; that one's watches end.
   */
  async serveDynamic(info: ResourceInfo, strategy: ResourceStrategy, codec?: VersionCodec, conversion?: StoreConversion): Promise<GenericStore> {
    const next = new GenericStore(info, this.store, strategy, this.admission, codec, conversion);
    next.observer = this.observer;
    await next.start();
    const key = storeKey(info.group, info.version, info.resource);
    this.stores.get(key)?.cache.stop();
    this.stores.set(key, next);
    this.preferred.clear();
    return next;
  }

  /** Stops serving a resource added by serveDynamic. */
  unserveDynamic(group: string, version: string, resource: string): void {
    const key = storeKey(group, version, resource);
    this.stores.get(key)?.cache.stop();
    this.stores.delete(key);
    this.preferred.clear();
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
    // Every served version of a resource caches the same objects; count each resource once.
    for (const s of this.stores.values()) {
      const { group, resource } = s.info;
      out.set(group ? `${resource}.${group}` : resource, s.cache.size);
    }
    return out;
  }
}

function storeKey(group: string, version: string, resource: string): string {
  return `${group}/${version}/${resource}`;
}
