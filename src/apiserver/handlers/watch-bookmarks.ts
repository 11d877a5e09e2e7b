// Periodic bookmarks for every open watch that allows them, from one shared timer: each watch is
// bookmarked about every BOOKMARK_INTERVAL_MS (to within a sweep) from its start until it ends.
// Bookmarks need no precision, and one sweep a second over the open watches costs less than a
// timer per watch re-armed at every bookmark.
const BOOKMARK_INTERVAL_MS = 30_000;
const SWEEP_INTERVAL_MS = 1_000;

interface Scheduled {
  due: number;
  bookmark: () => void;
}

const scheduled = new Set<Scheduled>();
let sweeper: NodeJS.Timeout | undefined;

/** Calls `bookmark` every interval until the returned function is called. */
export function scheduleBookmarks(bookmark: () => void): () => void {
  const entry: Scheduled = { due: Date.now() + BOOKMARK_INTERVAL_MS, bookmark };
  scheduled.add(entry);
  // Unreferenced: open watches keep the server's sockets, which keep the process, alive.
  sweeper ??= setInterval(sweep, SWEEP_INTERVAL_MS).unref();
  return () => {
    scheduled.delete(entry);
    if (!scheduled.size && sweeper) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  };
}

function sweep(): void {
  const now = Date.now();
  // A bookmark may end its watch (a client too slow to read): deleting while iterating a Set is safe.
  for (const entry of scheduled) {
    if (entry.due > now) continue;
    entry.due = now + BOOKMARK_INTERVAL_MS;
    entry.bookmark();
  }
}
