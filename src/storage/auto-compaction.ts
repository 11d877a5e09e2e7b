// Periodic compaction for any store, so history does not grow without bound.
import type { Store } from './types.js';

export interface AutoCompactionOptions {
  /** How often to compact. */
  intervalMs: number;
  /**
   * How many revisions of history to keep. Absent: keep one interval's worth — each run compacts
   * to the revision seen by the previous run (what the Kubernetes API server does every 5 min).
   */
  retainRevisions?: number;
  /** Compaction failures are reported here; the next run tries again. */
  onError?: (err: Error) => void;
}

/** Starts compacting `store` periodically; returns the function that stops it. */
export function startAutoCompaction(store: Store, opts: AutoCompactionOptions): () => void {
  let seenAtLastRun = store.revision;
  const timer = setInterval(() => {
    const target = opts.retainRevisions === undefined ? seenAtLastRun : store.revision - opts.retainRevisions;
    seenAtLastRun = store.revision;
    if (target > store.compactRevision) store.compact(target).catch(err => opts.onError?.(err as Error));
  }, opts.intervalMs);
  // A periodic chore must not keep the process alive.
  timer.unref();
  return () => clearInterval(timer);
}
