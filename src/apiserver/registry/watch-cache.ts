// One resource's watch cache: the current objects (decoded once) and a window of recent events,
// fed by a single store watch. Lists and watches are served from here so that N watchers cost one
// store watch, and a watch can resume from any revision still in the window; older revisions fall
// back to the store's own history until compacted (then 410 Gone).
import type { KubeObject } from '../../api/object.js';
import type { Store, StoreEvent, StoreWatcher } from '../../storage/types.js';
import { prefixEnd } from '../../storage/types.js';

export interface CachedObject {
  key: string;
  object: KubeObject;
  revision: number;
  /** Stored with an older encryption key or provider: an update writes it even if unchanged. */
  stale?: boolean;
}

export interface CacheEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  revision: number;
  current: CachedObject;
  previous?: CachedObject;
}

export type CacheListener = (events: CacheEvent[]) => void;

const DEFAULT_WINDOW = 10_000;

export class WatchCache {
  private readonly objects = new Map<string, CachedObject>();
  private readonly window: CacheEvent[] = [];
  private readonly listeners = new Set<CacheListener>();
  private readonly stopListeners = new Set<() => void>();
  private storeWatch?: StoreWatcher;
  private sortedKeys?: string[];
  /** Highest revision this cache reflects (store revision at start, then every event's). */
  private cachedRevision = 0;

  constructor(
    private readonly store: Store,
    readonly prefix: string,
    private readonly decode: (kv: { key: string; value: string; modRevision: number }) => KubeObject,
    private readonly windowSize = DEFAULT_WINDOW,
  ) {}

  async start(): Promise<void> {
    const res = await this.store.range(this.prefix, prefixEnd(this.prefix));
    for (const kv of res.kvs) {
      this.objects.set(kv.key, cachedObject(kv, this.decode(kv)));
    }
    this.cachedRevision = res.revision;
    this.storeWatch = this.store.watch(this.prefix, {
      afterRevision: res.revision,
      onEvents: evs => this.apply(evs),
    });
  }

  /** Ends the store watch and every watcher; a cache shared by several stores may be stopped by each. */
  stop(): void {
    this.storeWatch?.close();
    this.storeWatch = undefined;
    this.listeners.clear();
    for (const f of [...this.stopListeners]) f();
    this.stopListeners.clear();
  }

  /** Calls `f` when the cache stops (its resource is no longer served); returns the unsubscribe. */
  onStop(f: () => void): () => void {
    this.stopListeners.add(f);
    return () => this.stopListeners.delete(f);
  }

  /**
   * The revision lists from this cache are consistent with. Local stores deliver watch events in
   * the same tick as the commit, so the cache is never behind the store's current revision.
   */
  get revision(): number {
    return Math.max(this.cachedRevision, this.store.revision);
  }

  /** Oldest revision a watch can resume from without going to the store. */
  get oldestWindowRevision(): number {
    return this.window.length ? this.window[0].revision - 1 : this.cachedRevision;
  }

  get(key: string): CachedObject | undefined {
    return this.objects.get(key);
  }

  get size(): number {
    return this.objects.size;
  }

  /** Objects with keys under `prefix`, in key order. */
  list(prefix = this.prefix): CachedObject[] {
    this.sortedKeys ??= [...this.objects.keys()].sort();
    const keys = this.sortedKeys;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (keys[mid] < prefix) lo = mid + 1; else hi = mid;
    }
    const out: CachedObject[] = [];
    for (let i = lo; i < keys.length && keys[i].startsWith(prefix); i++) out.push(this.objects.get(keys[i])!);
    return out;
  }

  /** Events after `revision` still in the window, or undefined if the window starts later. */
  eventsSince(revision: number): CacheEvent[] | undefined {
    if (revision < this.oldestWindowRevision) return undefined;
    let lo = 0;
    let hi = this.window.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.window[mid].revision <= revision) lo = mid + 1; else hi = mid;
    }
    return this.window.slice(lo);
  }

  subscribe(listener: CacheListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private apply(storeEvents: StoreEvent[]): void {
    const events: CacheEvent[] = [];
    for (const ev of storeEvents) {
      const previous = this.objects.get(ev.kv.key);
      if (ev.type === 'DELETE') {
        if (!previous) continue;
        this.objects.delete(ev.kv.key);
        this.sortedKeys = undefined;
        const gone = { ...previous, revision: ev.kv.modRevision };
        // A deleted object is reported with the deletion's revision as its resourceVersion.
        gone.object = { ...previous.object, metadata: { ...previous.object.metadata, resourceVersion: String(ev.kv.modRevision) } };
        events.push({ type: 'DELETED', revision: ev.kv.modRevision, current: gone, previous });
      } else {
        const current = cachedObject(ev.kv, this.decode(ev.kv));
        if (!previous) this.sortedKeys = undefined;
        this.objects.set(ev.kv.key, current);
        events.push({ type: previous ? 'MODIFIED' : 'ADDED', revision: ev.kv.modRevision, current, previous });
      }
    }
    const last = storeEvents[storeEvents.length - 1];
    if (last) this.cachedRevision = Math.max(this.cachedRevision, last.kv.modRevision);
    for (const e of events) this.window.push(e);
    // Trimmed in chunks so a busy resource does not shift the whole window on every event.
    if (this.window.length > this.windowSize * 1.5) this.window.splice(0, this.window.length - this.windowSize);
    if (events.length) for (const l of this.listeners) l(events);
  }
}

function cachedObject(kv: { key: string; modRevision: number; stale?: boolean }, object: KubeObject): CachedObject {
  const cached: CachedObject = { key: kv.key, object, revision: kv.modRevision };
  if (kv.stale) cached.stale = true;
  return cached;
}
