// The storage contract on etcd v3: keys are etcd keys (`/registry/...`, as kube-apiserver lays them
// out), revisions are etcd's revisions, reads are etcd ranges (linearizable, or at a revision),
// writes are transactions whose compares are the contract's preconditions (create: the key's
// create_revision is 0; update/delete: its mod_revision is the expected one), compaction is etcd's.
//
// The contract promises two things etcd's API alone does not: a watch replays its history before
// `watch()` returns, and a write is acknowledged only after every watcher has seen it. So the store
// follows one etcd watch over the whole keyspace (history-watch.ts) and keeps the events since the
// compact revision in memory; `revision` is how far that watch has come. A write's promise (and a
// read at the latest revision) settles only once the watch has reached the revision etcd answered
// with. Several servers sharing one etcd each see every write this way, in etcd's order.
//
// Writes to the same key are sent in call order (the second of two creates fails, as with a local
// store); writes to different keys go out concurrently, and etcd orders them.
import {
  CompactedError, CompareFailedError, KeyExistsError, KeyNotFoundError, StorageError, StoreClosedError, servedRevision,
  type KeyValue, type RangeOptions, type RangeResult, type Store, type StoreEvent, type StoreWatcher, type WatchOptions,
} from '../types.js';
import { valueToBytes } from '../value-bytes.js';
import { WatcherSet } from '../watchers.js';
import { EtcdError, type EtcdClient } from './client.js';
import { HistoryWatch, toKeyValue } from './history-watch.js';
import { LeaseManager } from './lease-manager.js';
import type { Compare, PutRequest, RequestOp, TxnResponse } from './messages.js';

export interface EtcdStoreOptions {
  /**
   * Keys under these prefixes are written with an etcd lease of `ttlSeconds` (upstream's Events
   * under --event-ttl): etcd deletes each one that long after its last write, a DELETE like any.
   */
  expiring?: { prefixes: string[]; ttlSeconds: number };
}

interface Waiter {
  revision: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

const ETCD_FIRST_REVISION = 1;
/** How long open() waits for etcd's history (since its compact revision) to load. */
const OPEN_TIMEOUT_MS = 60_000;

const keyBytes = (key: string) => Buffer.from(key, 'utf8');

export class EtcdStore implements Store {
  private rev = 0;
  private compacted = 0;
  /** Every event after the compact revision, in revision order. */
  private readonly log: StoreEvent[] = [];
  private readonly watchers = new WatcherSet();
  private waiters: Waiter[] = [];
  /** The last write queued per key, so that writes to one key are sent in call order. */
  private readonly keyTails = new Map<string, Promise<unknown>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private history!: HistoryWatch;
  /** Set once the history up to the revision at open has been loaded. */
  private loaded = false;
  private closed = false;
  private closing?: Promise<void>;

  private readonly leases: LeaseManager;

  private constructor(private readonly client: EtcdClient, private readonly expiring?: EtcdStoreOptions['expiring']) {
    this.leases = new LeaseManager(client);
  }

  /** Connects and loads etcd's history since its compact revision; the client is closed with the store. */
  static async open(client: EtcdClient, opts: EtcdStoreOptions = {}): Promise<EtcdStore> {
    const store = new EtcdStore(client, opts.expiring);
    try {
      // Any range answers with the current revision in its header. etcd's first revision has no
      // events: the history starts there.
      const { header } = await client.range({ key: Buffer.from([0]) });
      store.rev = Math.min(header.revision, ETCD_FIRST_REVISION);
      store.history = new HistoryWatch(client, 1, store.historyListener());
      await store.waitFor(header.revision, OPEN_TIMEOUT_MS);
      store.loaded = true;
    } catch (err) {
      await store.close();
      throw err instanceof StorageError ? err : new StorageError(`cannot open the etcd store: ${(err as Error).message}`);
    }
    return store;
  }

  get revision(): number { return this.rev; }
  get compactRevision(): number { return this.compacted; }

  async get(key: string, revision?: number): Promise<KeyValue | undefined> {
    const res = await this.read(revision, at => this.client.range({ key: keyBytes(key), revision: at }));
    return res.kvs.length ? toKeyValue(res.kvs[0]) : undefined;
  }

  async range(start: string, end: string, opts: RangeOptions = {}): Promise<RangeResult> {
    const res = await this.read(opts.revision, at => this.client.range({
      key: keyBytes(start), rangeEnd: keyBytes(end), revision: at, limit: opts.countOnly ? 0 : opts.limit ?? 0, countOnly: opts.countOnly,
    }));
    const kvs = res.kvs.map(toKeyValue);
    return { kvs, more: !opts.countOnly && kvs.length < res.count, count: res.count, revision: res.header.revision };
  }

  async create(key: string, value: string): Promise<number> {
    return this.write(key, async () => {
      const put = await this.put(key, value);
      const res = await this.client.txn({
        compare: [{ key: put.key, target: 'CREATE', result: 'EQUAL', createRevision: 0 }],
        success: [{ requestPut: put }],
        failure: [],
      });
      if (!res.succeeded) throw new KeyExistsError(key);
      return res.header.revision;
    });
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<number> {
    return this.write(key, async () => {
      const res = await this.txnOnKey(key, expectedModRevision, { requestPut: await this.put(key, value) });
      return res.header.revision;
    });
  }

  async delete(key: string, expectedModRevision?: number): Promise<{ revision: number; prevKv: KeyValue }> {
    return this.write(key, async () => {
      const res = await this.txnOnKey(key, expectedModRevision, { requestDeleteRange: { key: keyBytes(key), prevKv: true } });
      const prev = res.responses[0].responseDeleteRange?.prevKvs[0];
      if (!prev) throw new StorageError(`etcd deleted ${key} without returning its value`);
      return { revision: res.header.revision, prevKv: toKeyValue(prev) };
    });
  }

  watch(prefix: string, opts: WatchOptions): StoreWatcher {
    this.checkOpen();
    if (opts.afterRevision < this.compacted) throw new CompactedError(opts.afterRevision, this.compacted);
    const from = this.firstLogIndexAfter(opts.afterRevision);
    const replay: StoreEvent[] = [];
    for (let i = from; i < this.log.length; i++) if (this.log[i].kv.key.startsWith(prefix)) replay.push(this.log[i]);
    return this.watchers.add(prefix, opts, replay);
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    const target = Math.min(revision, this.rev);
    if (target <= this.compacted) return;
    try {
      await this.client.compact(target);
    } catch (err) {
      // Another server sharing the cluster compacted further already.
      if (!(err instanceof EtcdError && err.compacted)) throw err;
    }
    this.forgetUpTo(target);
  }

  /** The backend database's size on the member this store talks to (etcd's Status dbSize). */
  async dbSize(): Promise<number | undefined> {
    this.checkOpen();
    return (await this.client.status()).dbSize;
  }

  close(): Promise<void> {
    return (this.closing ??= this.shutdown());
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    // Writes issued before close still complete (and are seen by watchers).
    await Promise.allSettled([...this.inFlight]);
    this.history?.close();
    for (const w of this.waiters) w.reject(new StoreClosedError());
    this.waiters = [];
    this.watchers.closeAll(new StoreClosedError());
    this.client.close();
  }

  /**
   * A read at `requested` (absent, 0 or ahead: the latest, read through etcd's quorum, then
   * awaited in the history so that `revision` is never behind what a reader saw; a revision the
   * history has reached is read as of that revision, so pages of one list agree).
   */
  private async read<R extends { header: { revision: number } }>(requested: number | undefined, call: (at: number) => Promise<R>): Promise<R> {
    this.checkOpen();
    const latest = !requested || requested > this.rev;
    const at = latest ? this.rev : servedRevision(requested, this.rev, this.compacted);
    try {
      const res = await call(latest ? 0 : at);
      if (latest) await this.waitFor(res.header.revision);
      else res.header.revision = at;
      return res;
    } catch (err) {
      if (err instanceof EtcdError && err.compacted) throw new CompactedError(at, Math.max(this.compacted, at + 1));
      throw err;
    }
  }

  /** A put of `key`, with a lease when the key expires (only those writes wait for one). */
  private put(key: string, value: string): PutRequest | Promise<PutRequest> {
    const put: PutRequest = { key: keyBytes(key), value: valueToBytes(value) };
    if (!this.expiring?.prefixes.some(p => key.startsWith(p))) return put;
    return this.leases.lease(this.expiring.ttlSeconds).then(lease => ({ ...put, lease }));
  }

  /** A put or delete of `key` if it exists (at `expected`, when given); the failure reads it back. */
  private async txnOnKey(key: string, expected: number | undefined, op: RequestOp): Promise<TxnResponse> {
    const k = keyBytes(key);
    const compare: Compare[] = [{ key: k, target: 'CREATE', result: 'GREATER', createRevision: 0 }];
    if (expected !== undefined) compare.push({ key: k, target: 'MOD', result: 'EQUAL', modRevision: expected });
    const res = await this.client.txn({ compare, success: [op], failure: [{ requestRange: { key: k } }] });
    if (res.succeeded) return res;
    const current = res.responses[0].responseRange?.kvs[0];
    if (!current) throw new KeyNotFoundError(key);
    throw new CompareFailedError(key, toKeyValue(current));
  }

  /**
   * Runs `send` after the previous write to `key` has settled, then waits until the history has
   * delivered the revision it returns.
   */
  private write<T extends number | { revision: number }>(key: string, send: () => Promise<T>): Promise<T> {
    this.checkOpen();
    const previous = this.keyTails.get(key);
    // Set below, before `run` can reach its finally (that takes at least one await).
    let tail: Promise<unknown>;
    const run = async (): Promise<T> => {
      try {
        const result = await send();
        await this.waitFor(typeof result === 'number' ? result : result.revision);
        return result;
      } finally {
        this.inFlight.delete(tail);
        if (this.keyTails.get(key) === tail) this.keyTails.delete(key);
      }
    };
    const done = previous ? previous.then(run, run) : run();
    tail = done.catch(() => undefined);
    this.keyTails.set(key, tail);
    this.inFlight.add(tail);
    return done;
  }

  /** Resolves once the history has delivered `revision` (rejects after `timeoutMs`, if given). */
  private waitFor(revision: number, timeoutMs?: number): Promise<void> {
    if (revision <= this.rev) return Promise.resolve();
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        revision,
        resolve: () => { clearTimeout(timer); resolve(); },
        reject: err => { clearTimeout(timer); reject(err); },
      };
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.waiters = this.waiters.filter(w => w !== waiter);
          reject(new StorageError(`etcd's watch did not reach revision ${revision} within ${timeoutMs} ms`));
        }, timeoutMs);
      }
      this.waiters.push(waiter);
    });
  }

  private historyListener() {
    return {
      commit: (revision: number, events: StoreEvent[]) => {
        for (const e of events) this.log.push(e);
        this.advance(revision);
        this.watchers.publish(events);
        this.wake();
      },
      progress: (revision: number) => {
        this.advance(revision);
        this.wake();
      },
      compacted: (wanted: number, compactRevision: number) => {
        this.forgetUpTo(compactRevision);
        // Before the store is open this is just where etcd's history begins; later it means events
        // this store never saw are gone, and watchers must start over from a new list.
        if (this.loaded) this.watchers.closeAll(new CompactedError(wanted - 1, compactRevision));
        this.advance(compactRevision);
        this.wake();
      },
    };
  }

  private advance(revision: number): void {
    if (revision > this.rev) this.rev = revision;
  }

  /** Settles the waiters the history has reached; one pass, called at every commit. */
  private wake(): void {
    let ready: Waiter[] | undefined;
    let kept = 0;
    for (const w of this.waiters) {
      if (w.revision <= this.rev) (ready ??= []).push(w);
      else this.waiters[kept++] = w;
    }
    if (!ready) return;
    this.waiters.length = kept;
    for (const w of ready) w.resolve();
  }

  private forgetUpTo(revision: number): void {
    if (revision <= this.compacted) return;
    this.compacted = revision;
    this.log.splice(0, this.firstLogIndexAfter(revision));
  }

  /** Index of the first logged event with a revision above `revision`. */
  private firstLogIndexAfter(revision: number): number {
    let lo = 0;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.log[mid].kv.modRevision <= revision) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  private checkOpen(): void {
    if (this.closed) throw new StoreClosedError();
  }
}
