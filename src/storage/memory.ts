// In-memory backend with full revision history (until compacted): the reference implementation
// of the storage contract, used by unit tests and `--datastore memory`.
import {
  CompactedError, CompareFailedError, KeyExistsError, KeyNotFoundError, StoreClosedError, servedRevision,
  type KeyValue, type RangeOptions, type RangeResult, type Store, type StoreEvent, type StoreWatcher, type WatchOptions,
} from './types.js';
import { insertSorted, lowerBound, removeSorted } from './sorted-keys.js';
import { WatcherSet } from './watchers.js';

/** One version of a key; `deleted` marks a tombstone (value is the deleted value). */
interface Version extends KeyValue {
  deleted: boolean;
}

export class MemoryStore implements Store {
  private rev = 0;
  private compacted = 0;
  /** Every key's versions, oldest first. */
  private readonly versions = new Map<string, Version[]>();
  /** Keys of `versions`, sorted, for ranges. */
  private readonly keys: string[] = [];
  /** Every event after the compact revision, in revision order, for watch replay. */
  private readonly log: StoreEvent[] = [];
  private readonly watchers = new WatcherSet();
  private closed = false;

  get revision(): number { return this.rev; }
  get compactRevision(): number { return this.compacted; }

  async get(key: string, revision?: number): Promise<KeyValue | undefined> {
    return this.visible(key, this.readRevision(revision));
  }

  async range(start: string, end: string, opts: RangeOptions = {}): Promise<RangeResult> {
    const at = this.readRevision(opts.revision);
    const kvs: KeyValue[] = [];
    let count = 0;
    for (let i = lowerBound(this.keys, start); i < this.keys.length && this.keys[i] < end; i++) {
      const kv = this.visible(this.keys[i], at);
      if (!kv) continue;
      count++;
      if (!opts.countOnly && !(opts.limit && kvs.length >= opts.limit)) kvs.push(kv);
    }
    return { kvs, more: !opts.countOnly && kvs.length < count, count, revision: at };
  }

  async create(key: string, value: string): Promise<number> {
    this.checkOpen();
    if (this.current(key)) throw new KeyExistsError(key);
    return this.write(key, value, false);
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<number> {
    this.checkOpen();
    const cur = this.current(key);
    if (!cur) throw new KeyNotFoundError(key);
    if (cur.modRevision !== expectedModRevision) throw new CompareFailedError(key, strip(cur));
    return this.write(key, value, false);
  }

  async delete(key: string, expectedModRevision?: number): Promise<{ revision: number; prevKv: KeyValue }> {
    this.checkOpen();
    const cur = this.current(key);
    if (!cur) throw new KeyNotFoundError(key);
    if (expectedModRevision !== undefined && cur.modRevision !== expectedModRevision) throw new CompareFailedError(key, strip(cur));
    const revision = this.write(key, cur.value, true);
    return { revision, prevKv: strip(cur) };
  }

  watch(prefix: string, opts: WatchOptions): StoreWatcher {
    this.checkOpen();
    if (opts.afterRevision < this.compacted) throw new CompactedError(opts.afterRevision, this.compacted);
    const replay = this.log.filter(e => e.kv.modRevision > opts.afterRevision && e.kv.key.startsWith(prefix));
    return this.watchers.add(prefix, opts, replay);
  }

  /** Nothing is on disk. */
  async dbSize(): Promise<number | undefined> {
    return undefined;
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    const target = Math.min(revision, this.rev);
    if (target <= this.compacted) return;
    for (const [key, vs] of this.versions) {
      // The newest version at or below the target stays (it is the value there) unless it is a
      // tombstone; everything older goes.
      let newestAtTarget = -1;
      while (newestAtTarget + 1 < vs.length && vs[newestAtTarget + 1].modRevision <= target) newestAtTarget++;
      if (newestAtTarget < 0) continue;
      const dropTombstone = vs[newestAtTarget].deleted ? 1 : 0;
      vs.splice(0, newestAtTarget + dropTombstone);
      if (!vs.length) {
        this.versions.delete(key);
        removeSorted(this.keys, key);
      }
    }
    let drop = 0;
    while (drop < this.log.length && this.log[drop].kv.modRevision <= target) drop++;
    this.log.splice(0, drop);
    this.compacted = target;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watchers.closeAll(new StoreClosedError());
  }

  private write(key: string, value: string, deleted: boolean): number {
    const prev = this.current(key);
    const revision = ++this.rev;
    const createRevision = prev ? prev.createRevision : revision;
    const version: Version = { key, value, createRevision, modRevision: revision, deleted };
    let vs = this.versions.get(key);
    if (!vs) {
      this.versions.set(key, (vs = []));
      insertSorted(this.keys, key);
    }
    vs.push(version);
    const event: StoreEvent = deleted
      ? { type: 'DELETE', kv: strip(version), prevKv: strip(prev!), created: false }
      : { type: 'PUT', kv: strip(version), prevKv: prev && strip(prev), created: !prev };
    this.log.push(event);
    this.watchers.publish([event]);
    return revision;
  }

  /** The live (non-deleted) newest version of a key. */
  private current(key: string): Version | undefined {
    const vs = this.versions.get(key);
    const last = vs?.[vs.length - 1];
    return last && !last.deleted ? last : undefined;
  }

  private visible(key: string, at: number): KeyValue | undefined {
    const vs = this.versions.get(key);
    if (!vs) return undefined;
    for (let i = vs.length - 1; i >= 0; i--) {
      if (vs[i].modRevision <= at) return vs[i].deleted ? undefined : strip(vs[i]);
    }
    return undefined;
  }

  /** The revision a read is served at; rejects compacted ones. */
  private readRevision(requested?: number): number {
    this.checkOpen();
    return servedRevision(requested, this.rev, this.compacted);
  }

  private checkOpen(): void {
    if (this.closed) throw new StoreClosedError();
  }
}

function strip(v: KeyValue): KeyValue {
  return { key: v.key, value: v.value, createRevision: v.createRevision, modRevision: v.modRevision };
}
