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
// Durability: the commit only writes the WAL; an fsync of the WAL on libuv's thread pool makes it
// durable while the event loop goes on serving requests and committing the next batches. Batches
// are acknowledged and published strictly in commit order, each only after an fsync that started
// after its commit, so no reader or watcher ever sees a write that a crash could take back. Until
// then `revision` (what reads are served at) stays below the batch's rows.
import Database from 'better-sqlite3';
import { closeSync, fsync, fsyncSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { startAutoCompaction, type AutoCompactionOptions } from '../auto-compaction.js';
import {
  CompactedError, CompareFailedError, KeyExistsError, KeyNotFoundError, StorageError, StoreClosedError, servedRevision,
  type KeyValue, type RangeOptions, type RangeResult, type Store, type StoreEvent, type StoreWatcher, type WatchOptions,
} from '../types.js';
import { WatcherSet } from '../watchers.js';
import { Compactor } from './compactor.js';
import { Queries } from './queries.js';
import { historyEvent, rowToKv } from './rows.js';
import { initSchema, type Row } from './schema.js';

export interface SqliteStoreOptions {
  /** Compact periodically (off by default: the API server decides when to compact). */
  autoCompaction?: AutoCompactionOptions;
}

type WriteOp =
  | { kind: 'create'; key: string; value: string }
  | { kind: 'update'; key: string; value: string; expected: number }
  | { kind: 'delete'; key: string; expected?: number };

interface WriteResult {
  revision: number;
  prevKv?: KeyValue;
}

interface Pending {
  op: WriteOp;
  resolve: (r: WriteResult) => void;
  reject: (e: Error) => void;
}

type Outcome = { ok: true; result: WriteResult; event: StoreEvent } | { ok: false; err: Error };

/** A committed batch waiting for the fsync that makes it durable. */
interface Committed {
  batch: Pending[];
  outcomes: Outcome[];
}

export class SqliteStore implements Store {
  /** Highest durable, published revision: reads are served at it. */
  private rev: number;
  /** Highest committed revision (possibly not yet durable): new writes are numbered after it. */
  private committedRev: number;
  private compacted: number;
  private batch: Pending[] = [];
  private unsynced: Committed[] = [];
  private syncing: Committed[] = [];
  private syncInFlight = false;
  private readonly watchers = new WatcherSet();
  private readonly compactor: Compactor;
  private readonly commitBatch: (batch: Pending[]) => Outcome[];
  private stopAutoCompaction?: () => void;
  private closed = false;

  private constructor(private readonly db: Database.Database, private readonly q: Queries, private readonly walFd: number, opts: SqliteStoreOptions) {
    this.compacted = q.meta('compact_revision');
    // Compaction may have removed the newest rows (tombstones), never any above the compact revision.
    this.rev = Math.max(q.maxRevision(), this.compacted);
    this.committedRev = this.rev;
    this.compactor = new Compactor(q);
    this.commitBatch = q.transaction((batch: Pending[]) => {
      let next = this.committedRev + 1;
      return batch.map(p => {
        const outcome = this.apply(p.op, next);
        if (outcome.ok) next++;
        return outcome;
      });
    });
    // A sweep cut short by a crash or close resumes; it only removes unreachable rows.
    if (q.meta('swept_revision') < this.compacted) this.compactor.sweep(this.compacted).catch(() => undefined);
    if (opts.autoCompaction) this.stopAutoCompaction = startAutoCompaction(this, opts.autoCompaction);
  }

  static open(path: string, opts: SqliteStoreOptions = {}): SqliteStore {
    mkdirSync(dirname(path), { recursive: true });
    // A short wait covers a previous owner that is just exiting; a live one means misconfiguration.
    const db = new Database(path, { timeout: 100 });
    let walFd: number;
    try {
      initSchema(db);
      // The schema set-up wrote to the WAL, so it exists; it lives (same inode) until close.
      walFd = openSync(`${path}-wal`, 'r');
    } catch (err) {
      db.close();
      throw new StorageError(`cannot open ${path}: ${(err as Error).message} (is another k8ts server using it?)`);
    }
    return new SqliteStore(db, new Queries(db), walFd, opts);
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
    // Recorded first: from here on nothing below the target may be read, so the sweep that
    // follows can remove rows in any number of steps.
    this.q.setMeta('compact_revision', target);
    this.compacted = target;
    await this.compactor.sweep(target);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    // Whatever is committed is made durable and acknowledged now; an fsync still in flight finds
    // nothing left to settle.
    const pending = [...this.syncing, ...this.unsynced];
    this.syncing = [];
    this.unsynced = [];
    if (pending.length) {
      fsyncSync(this.walFd);
      for (const c of pending) this.settle(c);
    }
    this.closed = true;
    this.stopAutoCompaction?.();
    this.compactor.stop();
    this.watchers.closeAll(new StoreClosedError());
    this.db.close();
    closeSync(this.walFd);
  }

  private enqueue(op: WriteOp): Promise<WriteResult> {
    this.checkOpen();
    return new Promise((resolve, reject) => {
      if (!this.batch.length) setImmediate(() => this.flush());
      this.batch.push({ op, resolve, reject });
    });
  }

  /** Commits the open batch; it is acknowledged once an fsync covers it. */
  private flush(): void {
    const batch = this.batch;
    if (!batch.length || this.closed) return;
    this.batch = [];
    let outcomes: Outcome[];
    try {
      outcomes = this.commitBatch(batch);
    } catch (err) {
      const failure = new StorageError(`commit failed: ${(err as Error).message}`);
      for (const p of batch) p.reject(failure);
      return;
    }
    for (const o of outcomes) if (o.ok) this.committedRev = o.result.revision;
    // Failed compares wait too: their retry must find the batches before them published.
    this.unsynced.push({ batch, outcomes });
    this.syncWal();
  }

  /** One fsync at a time; batches committed meanwhile share the next one. */
  private syncWal(): void {
    if (this.syncInFlight || !this.unsynced.length) return;
    this.syncInFlight = true;
    this.syncing = this.unsynced;
    this.unsynced = [];
    fsync(this.walFd, err => {
      this.syncInFlight = false;
      const covered = this.syncing;
      this.syncing = [];
      if (this.closed) return;
      if (err) return this.failDurability(err, covered);
      for (const c of covered) this.settle(c);
      this.syncWal();
    });
  }

  /** Publishes a durable batch's events, then settles its writers, in order. */
  private settle({ batch, outcomes }: Committed): void {
    const events: StoreEvent[] = [];
    for (const o of outcomes) {
      if (o.ok) {
        events.push(o.event);
        this.rev = o.result.revision;
      }
    }
    if (events.length) this.watchers.publish(events);
    outcomes.forEach((o, i) => (o.ok ? batch[i].resolve(o.result) : batch[i].reject(o.err)));
  }

  /**
   * The WAL could not be made durable: what it holds can no longer be trusted to survive, so the
   * store stops (as etcd panics on a failed fsync) rather than acknowledge anything more.
   */
  private failDurability(err: Error, covered: Committed[]): void {
    const failure = new StorageError(`fsync of the write-ahead log failed: ${err.message}`);
    for (const c of [...covered, ...this.unsynced]) for (const p of c.batch) p.reject(failure);
    for (const p of this.batch) p.reject(failure);
    this.unsynced = [];
    this.batch = [];
    this.closed = true;
    this.compactor.stop();
    this.watchers.closeAll(failure);
    this.db.close();
    closeSync(this.walFd);
  }

  /** Checks one write against the key's newest row and, if it passes, appends its row at `rev`. */
  private apply(op: WriteOp, rev: number): Outcome {
    const newest = this.q.newest(op.key);
    const cur = newest && !newest.deleted ? rowToKv(newest) : undefined;
    if (op.kind === 'create') {
      if (cur) return { ok: false, err: new KeyExistsError(op.key) };
    } else {
      if (!cur) return { ok: false, err: new KeyNotFoundError(op.key) };
      if (op.expected !== undefined && cur.modRevision !== op.expected) return { ok: false, err: new CompareFailedError(op.key, cur) };
    }
    const row: Row = op.kind === 'delete'
      ? { rev, key: op.key, value: cur!.value, create_rev: cur!.createRevision, prev_rev: cur!.modRevision, deleted: 1 }
      : { rev, key: op.key, value: op.value, create_rev: cur?.createRevision ?? rev, prev_rev: cur?.modRevision ?? null, deleted: 0 };
    this.q.insert(row);
    const kv = rowToKv(row);
    const event: StoreEvent = op.kind === 'delete'
      ? { type: 'DELETE', kv, prevKv: cur, created: false }
      : { type: 'PUT', kv, prevKv: cur, created: !cur };
    return { ok: true, result: { revision: rev, prevKv: cur }, event };
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
