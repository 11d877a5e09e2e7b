// Removes the rows a compaction made unreachable, one window of revisions per transaction,
// yielding to the event loop between windows so a large compaction never stalls the store for
// long. Progress is durable (swept_revision), so a sweep cut short by a crash resumes later.
import type { Queries } from './queries.js';

/** Revisions per transaction: small enough to keep each one a few milliseconds. */
const WINDOW = 1000;

export class Compactor {
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly step;

  constructor(private readonly q: Queries) {
    this.step = q.transaction((from: number, to: number) => {
      q.removeCompacted(from, to);
      q.setMeta('swept_revision', to);
    });
  }

  /** Sweeps everything written up to `target`, after any sweep already under way. */
  sweep(target: number): Promise<void> {
    const run = this.queue.then(() => this.sweepTo(target));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Abandons sweeping (the store is closing); the durable progress lets a later sweep resume. */
  stop(): void {
    this.stopped = true;
  }

  private async sweepTo(target: number): Promise<void> {
    if (this.stopped) return;
    let from = this.q.meta('swept_revision');
    while (from < target && !this.stopped) {
      const to = Math.min(from + WINDOW, target);
      this.step(from, to);
      from = to;
      if (from < target) await new Promise(resolve => setImmediate(resolve));
    }
  }
}
