// Periodic bookmarks for every open watch that allows them, from one shared timer: each watch is
// bookmarked about every interval (to within a sweep) from its start until it ends. Bookmarks need
// no precision, and one sweep a second over the open watches costs less than a timer per watch
// re-armed at every bookmark. The sweep's timer runs only while some watch is scheduled.

export interface BookmarkSweepOptions {
  /** How long a watch goes between bookmarks. */
  intervalMs: number;
  /** How often the scheduled watches are looked at. */
  sweepMs: number;
  /** The clock dueness is read from. */
  now: () => number;
}

interface Scheduled {
  due: number;
  bookmark: () => void;
}

export class BookmarkSweep {
  private readonly scheduled = new Set<Scheduled>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly opts: BookmarkSweepOptions) {}

  /** Calls `bookmark` every interval until the returned function is called. */
  schedule(bookmark: () => void): () => void {
    const entry: Scheduled = { due: this.opts.now() + this.opts.intervalMs, bookmark };
    this.scheduled.add(entry);
    // Unreferenced: open watches keep the server's sockets, which keep the process, alive.
    this.sweeper ??= setInterval(() => this.sweep(), this.opts.sweepMs).unref();
    return () => {
      this.scheduled.delete(entry);
      if (!this.scheduled.size && this.sweeper) {
        clearInterval(this.sweeper);
        this.sweeper = undefined;
      }
    };
  }

  /** Whether the sweep's timer is running (it is exactly while some watch is scheduled). */
  get running(): boolean {
    return this.sweeper !== undefined;
  }

  private sweep(): void {
    const now = this.opts.now();
    // A bookmark may end its watch (a client too slow to read): deleting while iterating a Set is safe.
    for (const entry of this.scheduled) {
      if (entry.due > now) continue;
      entry.due = now + this.opts.intervalMs;
      entry.bookmark();
    }
  }
}

const serverSweep = new BookmarkSweep({ intervalMs: 30_000, sweepMs: 1_000, now: Date.now });

/** Calls `bookmark` every 30 s (the API server's bookmark interval) until the returned function is called. */
export function scheduleBookmarks(bookmark: () => void): () => void {
  return serverSweep.schedule(bookmark);
}
