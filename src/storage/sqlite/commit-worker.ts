// The SQLite store's writer: a worker thread with its own connection to the database, so that the
// group-commit transactions and the WAL fsyncs never take the event loop the store serves reads,
// watches and the API server's requests on.
//
// Each batch the store sends is evaluated in order in one transaction, every write against the
// state its predecessors left, each successful one at the next revision. The commit only writes
// the WAL; once the batches already queued for this thread are committed, one fsync makes them
// all durable and their outcomes go back to the store in one message, in commit order: nothing is
// reported before an fsync that started after its commit. Batches that arrive during an fsync
// wait in the port and commit together as soon as it returns (group commit).
import Database from 'better-sqlite3';
import { closeSync, fsyncSync, openSync, readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { BatchOutcome, CommitWorkerData, Found, FromWorker, ToWorker, WriteOp, WriteOutcome } from './commit-protocol.js';
import { Compactor } from './compactor.js';
import { Queries } from './queries.js';
import { configureConnection, type Row } from './schema.js';

class Committer {
  /** Highest committed revision (possibly not yet durable): new writes are numbered after it. */
  private committedRev: number;
  private unsynced: BatchOutcome[] = [];
  private syncScheduled = false;
  private released = false;
  private readonly commitBatch: (ops: WriteOp[]) => WriteOutcome[];
  private readonly compactor: Compactor;

  constructor(
    private readonly db: Database.Database, private readonly q: Queries, private readonly walFd: number,
    revision: number, private readonly post: (m: FromWorker) => void,
  ) {
    this.committedRev = revision;
    this.compactor = new Compactor(q);
    this.commitBatch = q.transaction((ops: WriteOp[]) => {
      let next = this.committedRev + 1;
      return ops.map(op => {
        const outcome = this.apply(op, next);
        if ('revision' in outcome) next++;
        return outcome;
      });
    });
    // A sweep cut short by a crash or close resumes; it only removes unreachable rows.
    const compacted = q.meta('compact_revision');
    if (q.meta('swept_revision') < compacted) this.compactor.sweep(compacted).catch(() => undefined);
  }

  handle(m: ToWorker): void {
    if (this.released) return;
    if (m.type === 'commit') this.commit(m.ops);
    else if (m.type === 'compact') this.compact(m.target);
    else this.close();
  }

  private commit(ops: WriteOp[]): void {
    let outcome: BatchOutcome;
    try {
      const outcomes = this.commitBatch(ops);
      for (const o of outcomes) if ('revision' in o) this.committedRev = o.revision;
      outcome = outcomes;
    } catch (err) {
      outcome = `commit failed: ${(err as Error).message}`;
    }
    // A failed batch waits its turn too: its writers' retries must find the batches before it published.
    this.unsynced.push(outcome);
    // Batches already queued for this thread commit first, and share the fsync.
    if (!this.syncScheduled) {
      this.syncScheduled = true;
      setImmediate(() => this.syncWal());
    }
  }

  /**
   * Makes every committed batch durable and reports them, oldest first. The fsync runs right here
   * rather than on the thread pool: batches arriving meanwhile queue up and commit together as
   * soon as it returns, covered by the next one, and no thread but this one is woken.
   */
  private syncWal(): void {
    this.syncScheduled = false;
    if (this.released || !this.unsynced.length) return;
    try {
      fsyncSync(this.walFd);
    } catch (err) {
      return this.fail(`fsync of the write-ahead log failed: ${(err as Error).message}`);
    }
    this.post({ type: 'durable', batches: this.unsynced });
    this.unsynced = [];
  }

  /** Records the compact revision first: the sweep that follows may then take any number of steps. */
  private compact(target: number): void {
    const swept = (error?: string) => this.post({ type: 'swept', target, error });
    try {
      this.q.setMeta('compact_revision', target);
    } catch (err) {
      return swept((err as Error).message);
    }
    this.compactor.sweep(target).then(() => swept(), (err: Error) => swept(err.message));
  }

  /** Makes whatever is committed durable now, reports it, and lets go of the database. */
  private close(): void {
    // The durable sweep progress lets the next open resume.
    this.compactor.stop();
    this.syncWal();
    if (this.released) return;
    this.release();
    this.post({ type: 'closed' });
  }

  private fail(message: string): void {
    this.release();
    this.post({ type: 'failed', message });
  }

  private release(): void {
    this.released = true;
    this.compactor.stop();
    this.db.close();
    closeSync(this.walFd);
  }

  /** Checks one write against the key's newest row and, if it passes, appends its row at `rev`. */
  private apply(op: WriteOp, rev: number): WriteOutcome {
    const newest = this.q.newest(op.key);
    const cur = newest && !newest.deleted ? newest : undefined;
    if (op.kind === 'create') {
      if (cur) return { failed: 'exists' };
    } else {
      if (!cur) return { failed: 'notFound' };
      if (op.expected !== undefined && cur.rev !== op.expected) return { failed: 'compare', current: found(cur) };
    }
    const row: Row = op.kind === 'delete'
      ? { rev, key: op.key, value: cur!.value, create_rev: cur!.create_rev, prev_rev: cur!.rev, deleted: 1 }
      : { rev, key: op.key, value: op.value, create_rev: cur?.create_rev ?? rev, prev_rev: cur?.rev ?? null, deleted: 0 };
    this.q.insert(row);
    return cur ? { revision: rev, prev: found(cur) } : { revision: rev };
  }
}

/**
 * Lowers this thread's priority a little. Every batch the store hands over wakes this thread, and
 * at equal priority the kernel lets it preempt the very event loop it exists to relieve: on a
 * loaded 2-core machine a postMessage took the event loop ~100 µs that way, ~10 µs at nice +5.
 * Linux only (the nice value is per thread there, and /proc/thread-self names this one);
 * elsewhere the thread keeps its priority.
 */
function yieldToEventLoop(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    setPriority(tid, Math.min(19, getPriority(tid) + 5));
  } catch {
    // Not Linux, or not permitted: only latency under load is at stake.
  }
}

function found(r: Row): Found {
  return { value: r.value, createRevision: r.create_rev, modRevision: r.rev };
}

const port = parentPort!;
yieldToEventLoop();
const { path, revision } = workerData as CommitWorkerData;
// The store's main-thread connection only reads, so nothing should hold the write lock for long;
// a generous wait rides out anything transient rather than failing a batch.
const db = new Database(path, { timeout: 5000 });
configureConnection(db);
// The store's connection keeps the WAL (same inode) in existence until after this one closes.
const walFd = openSync(`${path}-wal`, 'r');
const committer = new Committer(db, new Queries(db), walFd, revision, m => port.postMessage(m));
port.on('message', (m: ToWorker) => committer.handle(m));
