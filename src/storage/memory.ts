// In-memory backend with full revision history (until compacted): the reference implementation
// of the storage contract, used by unit tests and `--datastore memory`.
import {
  CompactedError, CompareFailedError, KeyExistsError, KeyNotFoundError,
  type KeyValue, type RangeOptions, type RangeResult, type Store, type StoreEvent, type StoreWatcher, type WatchOptions,
} from './types.js';
import { WatcherSet } from './watchers.js';

/** One version of a key; `deleted` marks a tombstone (value is the deleted value). */
interface Version extends KeyValue {
  deleted: boolean;
}

export class MemoryStore implements Store {
  private rev = 0;
  private compacted = 0;
  private readonly versions = new Map<string, Version[]>();
  private readonly log: { event: StoreEvent; revision: number }[] = [];
  private sortedKeys?: string[];
  private readonly watchers = new WatcherSet();
  private closed = false;

  get revision(): number { return this.rev; }
  get compactRevision(): number { return this.compacted; }

  async get(key: string, revision?: number): Promise<KeyValue | undefined> {
    this.checkReadable(revision);
    return this.visible(key, revision || this.rev);
  }

  async range(start: string, end: string, opts: RangeOptions = {}): Promise<RangeResult> {
    const at = opts.revision || this.rev;
    this.checkReadable(opts.revision);
    this.sortedKeys ??= [...this.versions.keys()].sort();
    const kvs: KeyValue[] = [];
    let count = 0;
    let more = false;
    for (const key of this.sortedKeys) {
      if (key < start || key >= end) continue;
      const kv = this.visible(key, at);
      if (!kv) continue;
      count++;
      if (opts.countOnly) continue;
      if (opts.limit && kvs.length >= opts.limit) { more = true; continue; }
      kvs.push(kv);
    }
    return { kvs, more, count, revision: at };
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
    const replay = this.log.filter(l => l.revision > opts.afterRevision && l.event.kv.key.startsWith(prefix)).map(l => l.event);
    return this.watchers.add(prefix, opts, replay);
  }

  async compact(revision: number): Promise<void> {
    if (revision <= this.compacted) return;
    const target = Math.min(revision, this.rev);
    for (const [key, vs] of this.versions) {
      // Keep the newest version at or below the target (unless it is a tombstone) and all newer ones.
      let keepFrom = 0;
      for (let i = 0; i < vs.length; i++) if (vs[i].modRevision <= target) keepFrom = i;
      const kept = vs.slice(keepFrom);
      if (kept[0] && kept[0].modRevision <= target && kept[0].deleted) kept.shift();
      if (kept.length) this.versions.set(key, kept); else { this.versions.delete(key); this.sortedKeys = undefined; }
    }
    let drop = 0;
    while (drop < this.log.length && this.log[drop].revision <= target) drop++;
    this.log.splice(0, drop);
    this.compacted = target;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watchers.closeAll(new Error('store closed'));
  }

  private write(key: string, value: string, deleted: boolean): number {
    const prev = this.current(key);
    const revision = ++this.rev;
    const version: Version = { key, value, createRevision: deleted ? prev!.createRevision : prev ? prev.createRevision : revision, modRevision: revision, deleted };
    let vs = this.versions.get(key);
    if (!vs) { this.versions.set(key, (vs = [])); this.sortedKeys = undefined; }
    vs.push(version);
    const event: StoreEvent = deleted
      ? { type: 'DELETE', kv: { ...strip(prev!), modRevision: revision }, prevKv: strip(prev!), created: false }
      : { type: 'PUT', kv: strip(version), prevKv: prev ? strip(prev) : undefined, created: !prev };
    this.log.push({ event, revision });
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

  private checkReadable(revision?: number): void {
    this.checkOpen();
    if (revision && revision < this.compacted) throw new CompactedError(revision, this.compacted);
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('store is closed');
  }
}

function strip(v: Version | KeyValue): KeyValue {
  return { key: v.key, value: v.value, createRevision: v.createRevision, modRevision: v.modRevision };
}
