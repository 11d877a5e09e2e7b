// One owner per database: the revision counter lives in the owning process, so a second process
// writing the same file would hand out revisions the first already used. The store reads and
// writes on two connections (main thread and commit worker), so neither can hold the database
// file itself exclusively; ownership is instead an exclusive lock on a companion file, held for
// the store's lifetime by one more connection. The OS drops it when the process dies.
import Database from 'better-sqlite3';

/** Takes ownership of the database at `path`; returns the function that gives it up. */
export function lockOwnership(path: string): () => void {
  // A short wait covers a previous owner that is just exiting; a live one means misconfiguration.
  const lock = new Database(`${path}-lock`, { timeout: 100 });
  try {
    // In exclusive locking mode the lock an exclusive transaction takes is kept after it ends.
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (err) {
    lock.close();
    throw err;
  }
  return () => lock.close();
}
