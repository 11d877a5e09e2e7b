// SQLite backend, log-structured like kine: every write appends a row at the next revision, the
// newest row per key is its current value (a `deleted` row is a tombstone), and a read at revision
// R sees the newest row per key at or below R. Only the revision counters live in memory; reads
// go to SQLite through the (key, rev, deleted) index, and always at a revision, so they never see
// a row whose commit has not been acknowledged yet.
//
// Group commit: writes that arrive in one event-loop turn form a batch. Each is evaluated in order
// inside one transaction, against the state its predecessors left (so a create and an update of
// the same key in one batch behave as if sequential), and gets its own revision; one that fails
// its check is rejected without affecting the others.
//
// The transactions run on a worker thread with its own connection (commit-worker.ts), so the
// event loop only hands batches over and takes outcomes back. A commit only writes the WAL; the
// worker's next fsync, shared by every batch committed before it, makes it durable. Batches are
// acknowledged and published strictly in commit order, each only after an fsync that started
// after its commit, so no reader or watcher ever sees a write that a crash could take back. Until
// then `revision` (what reads on this thread's connection are served at) stays below its rows.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { startAutoCompaction, type AutoCompactionOptions } from '../auto-compaction.js';
import {
  CompactedError, CompareFailedError, KeyExistsError, KeyNotFoundError, StorageError, StoreClosedError, servedRevision,
  type KeyValue, type RangeOptions, type RangeResult, type Store, type StoreEvent, type StoreWatcher, type WatchOptions,
} from '../types.js';
import { WatcherSet } from '../watchers.js';
import type { BatchOutcome, WriteOp } from './commit-protocol.js';
import { CommitThread } from './commit-thread.js';
import { lockOwnership } from './owner-lock.js';
import { Queries } from './queries.js';
import { historyEvent, rowToKv } from './rows.js';
import { initSchema } from './schema.js';

export interface SqliteStoreOptions {
  /** Compact periodically (off by default: the API server decides when to compact). */
  autoCompaction?: AutoCompactionOptions;
}

interface WriteResult {
  revision: number;
  prevKv?: KeyValue;
}

interface Pending {
  op: WriteOp;
  resolve: (r: WriteResult) => void;
  reject: (e: Error) => void;
}

export class SqliteStore implements Store {
  /** Highest durable, published revision: reads are served at it. */
  private rev: number;
  private compacted: number;
  private batch: Pending[] = [];
  /** Batches handed to the commit worker and not yet settled, oldest first. */
  private inFlight: Pending[][] = [];
  private readonly watchers = new WatcherSet();
  private readonly writer: CommitThread;
  private stopAutoCompaction?: () => void;
  private closed = false;
  private closing?: Promise<void>;

  private constructor(private readonly db: Database.Database, private readonly q: Queries, private readonly releaseOwnership: () => void, path: string, opts: SqliteStoreOptions) {
    this.compacted = q.meta('compact_revision');
    // Compaction may have removed the newest rows (tombstones), never any above the compact revision.
    this.rev = Math.max(q.maxRevision(), this.compacted);
    this.writer = new CommitThread({ path, revision: this.rev }, {
      durable: batches => { for (const outcome of batches) this.settle(this.inFlight.shift()!, outcome); },
      failed: message => this.stop(new StorageError(message)),
    });
    if (opts.autoCompaction) this.stopAutoCompaction = startAutoCompaction(this, opts.autoCompaction);
  }

  static open(path: string, opts: SqliteStoreOptions = {}): SqliteStore {
    mkdirSync(dirname(path), { recursive: true });
    let releaseOwnership: (() => void) | undefined;
    let db: Database.Database | undefined;
    try {
      releaseOwnership = lockOwnership(path);
      db = new Database(path, { timeout: 100 });
      initSchema(db);
    } catch (err) {
      db?.close();
      releaseOwnership?.();
      throw new StorageError(`cannot open ${path}: ${(err as Error).message} (is another k8ts server using it?)`);
    }
    return new SqliteStore(db, new Queries(db), releaseOwnership, path, opts);
  }

  get revision(): number { return this.rev; }
  get compactRevision(): number { return this.compacted; }

  async get(key: string, revision?: number): Promise<KeyValue | undefined> {
    const row = this.q.newestAt(key, this.readRevision(revision));
    return row && !row.deleted ? rowToKv(row) : undefined;
  }

  async range(start: string, end: string, opts: RangeOptions = {}): Promise<RangeResult> {
    const at = this.readRevision(opts.revision);
    if (opts.countOnly) return { kvs: [], more: false, count: this.q.countAt(start, end, at), revision: at };
    const kvs = this.q.rangeAt(start, end, at, opts.limit ?? 0).map(rowToKv);
    // Without a limit the rows are the count; with one, the index alone counts the rest.
    const count = opts.limit && kvs.length === opts.limit ? this.q.countAt(start, end, at) : kvs.length;
    return { kvs, more: count > kvs.length, count, revision: at };
  }

  async create(key: string, value: string): Promise<number> {
    return (await this.enqueue({ kind: 'create', key, value })).revision;
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<number> {
    return (await this.enqueue({ kind: 'update', key, value, expected: expectedModRevision })).revision;
  }

  async delete(key: string, expectedModRevision?: number): Promise<{ revision: number; prevKv: KeyValue }> {
    const { revision, prevKv } = await this.enqueue({ kind: 'delete', key, expected: expectedModRevision });
    return { revision, prevKv: prevKv! };
  }

  watch(prefix: string, opts: WatchOptions): StoreWatcher {
    this.checkOpen();
    if (opts.afterRevision < this.compacted) throw new CompactedError(opts.afterRevision, this.compacted);
    // Replay and registration happen in one synchronous step: no commit can fall between them.
    const replay = opts.afterRevision < this.rev
      ? this.q.history(opts.afterRevision, this.rev, prefix, prefix + '\uffff').map(historyEvent)
      : [];
    return this.watchers.add(prefix, opts, replay);
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    const target = Math.min(revision, this.rev);
    if (target <= this.compacted) return;
    // From here on nothing below the target may be read; the worker records it before sweeping.
    this.compacted = target;
    await this.writer.compact(target);
  }

  /** The database file's pages (what etcd's dbSize is for its bolt file); the WAL is left out. */
  async dbSize(): Promise<number | undefined> {
    this.checkOpen();
    return Number(this.db.pragma('page_count', { simple: true })) * Number(this.db.pragma('page_size', { simple: true }));
  }

  close(): Promise<void> {
    return (this.closing ??= this.shutdown());
  }

  private async shutdown(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.stopAutoCompaction?.();
    // Whatever is committed is made durable and acknowledged before the worker lets go.
    await this.writer.close();
    this.stop(new StoreClosedError());
  }

  private enqueue(op: WriteOp): Promise<WriteResult> {
    this.checkOpen();
    return new Promise((resolve, reject) => {
      if (!this.batch.length) setImmediate(() => this.flush());
      this.batch.push({ op, resolve, reject });
    });
  }

  /** Hands the open batch to the commit worker; it is settled once an fsync covers it. */
  private flush(): void {
    const batch = this.batch;
    if (!batch.length || this.closed) return;
    this.batch = [];
    this.inFlight.push(batch);
    this.writer.commit(batch.map(p => p.op));
  }

  /** Publishes a durable batch's events, then settles its writers, in order. */
  private settle(batch: Pending[], outcome: BatchOutcome): void {
    if (typeof outcome === 'string') {
      const failure = new StorageError(outcome);
      for (const p of batch) p.reject(failure);
      return;
    }
    const events: StoreEvent[] = [];
    const results = outcome.map((o, i): WriteResult | StorageError => {
      const { op } = batch[i];
      if ('failed' in o) {
        if (o.failed === 'exists') return new KeyExistsError(op.key);
        if (o.failed === 'notFound') return new KeyNotFoundError(op.key);
        return new CompareFailedError(op.key, { key: op.key, ...o.current });
      }
      const prevKv: KeyValue | undefined = o.prev && { key: op.key, ...o.prev };
      const kv: KeyValue = op.kind === 'delete'
        ? { key: op.key, value: prevKv!.value, createRevision: prevKv!.createRevision, modRevision: o.revision }
        : { key: op.key, value: op.value, createRevision: prevKv?.createRevision ?? o.revision, modRevision: o.revision };
      events.push({ type: op.kind === 'delete' ? 'DELETE' : 'PUT', kv, prevKv, created: !prevKv });
      this.rev = o.revision;
      return { revision: o.revision, prevKv };
    });
    if (events.length) this.watchers.publish(events);
    results.forEach((r, i) => (r instanceof StorageError ? batch[i].reject(r) : batch[i].resolve(r)));
  }

  /**
   * Stops the store: writes not yet settled fail with `err`, watches end with it. After a failed
   * fsync this is what keeps anything more from being acknowledged (as etcd panics).
   */
  private stop(err: StorageError): void {
    if (!this.db.open) return;
    this.closed = true;
    for (const batch of [...this.inFlight, this.batch]) for (const p of batch) p.reject(err);
    this.inFlight = [];
    this.batch = [];
    this.stopAutoCompaction?.();
    this.watchers.closeAll(err);
    this.db.close();
    this.releaseOwnership();
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
