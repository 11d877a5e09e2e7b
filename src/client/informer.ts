// Informer: list, then watch from the list's resourceVersion, keeping a keyed cache with indexes.
// A broken watch resumes from the last seen resourceVersion; 410 Gone re-lists and reconciles the
// cache, emitting the adds, updates and deletes that were missed (level-triggered consumers need
// nothing else).
import { StatusError } from '../api/errors.js';
import type { KubeObject, WatchEvent } from '../api/object.js';
import type { RestClient, WatchHandle } from './rest-client.js';
import { addToIndex, removeFromIndex } from '../util/set-index.js';

export interface InformerHandlers<T extends KubeObject> {
  add?(obj: T): void;
  update?(oldObj: T, newObj: T): void;
  delete?(obj: T): void;
}

export interface InformerOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** Delay before re-watching after an error. */
  retryDelayMs?: number;
  /** Applied to every object before it is cached (client-go's informer transform). */
  transform?: (obj: KubeObject) => KubeObject;
  /** Told of each failed list or watch before it is retried (client-go's WatchErrorHandler). */
  onError?: (err: unknown) => void;
}

/**
 * Drops metadata.managedFields, as upstream's controller manager and scheduler do for their caches
 * (client-go's TransformStripManagedFields): controllers never read them, and they are a large
 * share of every object. A write sent without them keeps the stored ones.
 */
export function stripManagedFields(obj: KubeObject): KubeObject {
  if (!obj.metadata?.managedFields) return obj;
  const { managedFields: _, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

export type IndexFunction<T> = (obj: T) => string[];

export function objectKey(obj: KubeObject): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name!;
}

export class Informer<T extends KubeObject = KubeObject> {
  private readonly items = new Map<string, T>();
  /** Replaced, never changed in place: a handler may unregister while events are delivered. */
  private handlers: InformerHandlers<T>[] = [];
  private readonly indexers = new Map<string, IndexFunction<T>>();
  private readonly indices = new Map<string, Map<string, Set<string>>>();
  private resourceVersion = '';
  private watch?: WatchHandle;
  private stopped = false;
  private synced = false;
  private syncWaiters: (() => void)[] = [];
  private retryTimer?: NodeJS.Timeout;

  constructor(private readonly client: RestClient, readonly path: string, private readonly opts: InformerOptions = {}) {}

  /** Registers handlers; objects already in the cache are replayed to them as adds. */
  on(handlers: InformerHandlers<T>): this {
    this.handlers = [...this.handlers, handlers];
    for (const obj of this.items.values()) handlers.add?.(obj);
    return this;
  }

  /** Unregisters handlers given to on(). */
  off(handlers: InformerHandlers<T>): void {
    this.handlers = this.handlers.filter(h => h !== handlers);
  }

  addIndex(name: string, fn: IndexFunction<T>): this {
    this.indexers.set(name, fn);
    const index = new Map<string, Set<string>>();
    this.indices.set(name, index);
    for (const [key, obj] of this.items) for (const v of fn(obj)) addToIndex(index, v, key);
    return this;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  byIndex(name: string, value: string): T[] {
    const keys = this.indices.get(name)?.get(value);
    if (!keys) return [];
    return [...keys].map(k => this.items.get(k)!).filter(Boolean);
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  waitForSync(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise(resolve => this.syncWaiters.push(resolve));
  }

  start(): void {
    void this.relist();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.watch?.stop();
  }

  private query(): Record<string, string | undefined> {
    return { labelSelector: this.opts.labelSelector, fieldSelector: this.opts.fieldSelector };
  }

  private async relist(): Promise<void> {
    if (this.stopped) return;
    try {
      const list = await this.client.list<T>(this.path, this.query());
      const seen = new Set<string>();
      for (const item of list.items) {
        const key = objectKey(item);
        seen.add(key);
        this.upsert(key, item);
      }
      for (const [key, old] of [...this.items]) if (!seen.has(key)) this.remove(key, old);
      this.resourceVersion = list.metadata.resourceVersion ?? '';
      if (!this.synced) {
        this.synced = true;
        for (const w of this.syncWaiters.splice(0)) w();
      }
      this.startWatch();
    } catch (err) {
      this.opts.onError?.(err);
      this.retry(() => this.relist());
    }
  }

  private startWatch(): void {
    if (this.stopped) return;
    let gone = false;
    const handle = this.client.watch<T>(this.path, { ...this.query(), resourceVersion: this.resourceVersion, allowWatchBookmarks: true }, (e: WatchEvent<T>) => {
      if (e.type === 'ERROR') {
        gone = (e.object as unknown as { code?: number }).code === 410;
        handle.stop();
        return;
      }
      const obj = e.object;
      this.resourceVersion = obj.metadata.resourceVersion ?? this.resourceVersion;
      if (e.type === 'BOOKMARK') return;
      const key = objectKey(obj);
      if (e.type === 'DELETED') {
        const old = this.items.get(key);
        if (old) this.remove(key, obj);
      } else {
        this.upsert(key, obj);
      }
    });
    this.watch = handle;
    handle.done.then(
      () => (gone ? this.relist() : this.startWatch()),
      err => {
        this.opts.onError?.(err);
        if (err instanceof StatusError && err.code === 410) this.retry(() => this.relist());
        else this.retry(() => this.startWatch());
      },
    );
  }

  private retry(fn: () => void): void {
    if (this.stopped) return;
    this.retryTimer = setTimeout(fn, this.opts.retryDelayMs ?? 1000);
  }

  private upsert(key: string, received: T): void {
    const old = this.items.get(key);
    if (old && old.metadata.resourceVersion === received.metadata.resourceVersion) return;
    const obj = this.opts.transform ? this.opts.transform(received) as T : received;
    this.items.set(key, obj);
    this.reindex(key, old, obj);
    for (const h of this.handlers) {
      if (old) h.update?.(old, obj); else h.add?.(obj);
    }
  }

  private remove(key: string, obj: T): void {
    const old = this.items.get(key);
    this.items.delete(key);
    this.reindex(key, old, undefined);
    for (const h of this.handlers) h.delete?.(obj);
  }

  private reindex(key: string, old: T | undefined, now: T | undefined): void {
    for (const [name, fn] of this.indexers) {
      const index = this.indices.get(name)!;
      if (old) for (const v of fn(old)) removeFromIndex(index, v, key);
      if (now) for (const v of fn(now)) addToIndex(index, v, key);
    }
  }
}
