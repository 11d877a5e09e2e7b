// What the SQLite store (main thread) and its commit worker (commit-worker.ts) say to each other.
// Only what the other side lacks crosses: the worker gets the writes, the store gets back each
// write's revision and the value it replaced (for prevKv), never the new values it already has.

export type WriteOp =
  | { kind: 'create'; key: string; value: string }
  | { kind: 'update'; key: string; value: string; expected: number }
  | { kind: 'delete'; key: string; expected?: number };

/** A key's value as the write found it (the key is the write's). */
export interface Found {
  value: string;
  createRevision: number;
  modRevision: number;
}

export type WriteOutcome =
  | { revision: number; prev?: Found }
  | { failed: 'exists' }
  | { failed: 'notFound' }
  | { failed: 'compare'; current: Found };

/** One batch's outcomes in write order, or why its transaction failed (none of it committed). */
export type BatchOutcome = WriteOutcome[] | string;

export interface CommitWorkerData {
  path: string;
  /** Highest revision in the database: the worker numbers writes after it. */
  revision: number;
}

export type ToWorker =
  | { type: 'commit'; ops: WriteOp[] }
  | { type: 'compact'; target: number }
  | { type: 'close' };

export type FromWorker =
  /** Batches made durable by one fsync, oldest first. */
  | { type: 'durable'; batches: BatchOutcome[] }
  /** The compaction to `target` is swept (or failed). */
  | { type: 'swept'; target: number; error?: string }
  /** The WAL could not be made durable (or the worker broke): nothing more will be acknowledged. */
  | { type: 'failed'; message: string }
  /** Everything committed was acknowledged; the worker's connection is closed. */
  | { type: 'closed' };
