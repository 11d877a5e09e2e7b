// SQLite snapshots: a consistent copy of a live database through SQLite's online backup API (the
// server keeps writing meanwhile), and putting such a copy back in place while no server runs.
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { StorageError } from '../types.js';

/** Copies the database at `path` into `dest` (atomically); returns the copy's size in bytes. */
export async function backupSqlite(path: string, dest: string): Promise<number> {
  if (!existsSync(path)) throw new StorageError(`no SQLite state at ${path}`);
  const partial = `${dest}.part`;
  // Not read-only: a reader of a WAL database must be able to create its shared-memory file.
  const db = new Database(path, { fileMustExist: true });
  try {
    await db.backup(partial);
  } catch (err) {
    rmSync(partial, { force: true });
    throw new StorageError(`SQLite backup failed: ${(err as Error).message}`);
  } finally {
    db.close();
  }
  renameSync(partial, dest);
  return statSync(dest).size;
}

/** Replaces the database at `path` with the snapshot; returns where the old one was moved. */
export function restoreSqlite(snapshot: string, path: string): string | undefined {
  if (!existsSync(snapshot)) throw new StorageError(`snapshot ${snapshot} does not exist`);
  // A damaged or foreign file is refused before anything is replaced.
  const check = new Database(snapshot, { readonly: true, fileMustExist: true });
  try {
    const result = check.pragma('integrity_check', { simple: true });
    if (result !== 'ok') throw new StorageError(`snapshot ${snapshot} is damaged: ${String(result)}`);
  } catch (err) {
    throw err instanceof StorageError ? err : new StorageError(`${snapshot} is not a SQLite snapshot: ${(err as Error).message}`);
  } finally {
    check.close();
  }
  let previous: string | undefined;
  if (existsSync(path)) {
    previous = `${path}.old-${Date.now()}`;
    renameSync(path, previous);
  }
  // The old database's write-ahead log belongs to it, not to the restored one.
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(path + suffix)) renameSync(path + suffix, previous ? previous + suffix : `${path}${suffix}.old-${Date.now()}`);
  }
  copyFileSync(snapshot, `${path}.restoring`);
  renameSync(`${path}.restoring`, path);
  return previous;
}
