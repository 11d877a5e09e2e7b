// The SQLite layout: a log of every write (one row per revision, like kine) and a metadata table
// for what compaction must remember durably, since compaction removes the rows it covers.
import type Database from 'better-sqlite3';

/** Per-connection settings: the store's reading connection and the commit worker's both need them. */
export function configureConnection(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  // NORMAL: a commit only writes the WAL; the commit worker fsyncs the WAL itself, off the
  // store's event loop, before the store acknowledges or publishes the commit (group commit, as
  // etcd's batched fsync), so an acknowledged write still survives a crash. Checkpoints still
  // sync before copying the WAL.
  db.pragma('synchronous = NORMAL');
}

export function initSchema(db: Database.Database): void {
  configureConnection(db);
  db.exec(`
    CREATE TABLE IF NOT EXISTS kv (
      rev        INTEGER PRIMARY KEY,
      key        TEXT    NOT NULL,
      -- A tombstone (deleted = 1) keeps the deleted value: its DELETE event carries it.
      value      TEXT    NOT NULL,
      create_rev INTEGER NOT NULL,
      -- The live version this row supersedes, if any: the compactor removes it.
      prev_rev   INTEGER,
      deleted    INTEGER NOT NULL DEFAULT 0
    );
    -- Newest row per key at a revision, and range counts, come from this index alone.
    CREATE INDEX IF NOT EXISTS kv_key_rev_deleted ON kv (key, rev, deleted);
    CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
    INSERT OR IGNORE INTO meta (name, value) VALUES ('compact_revision', 0), ('swept_revision', 0);
  `);
}

export interface Row {
  rev: number;
  key: string;
  value: string;
  create_rev: number;
  prev_rev: number | null;
  deleted: number;
}

/** A history row with the value it superseded, for watch replay. */
export interface HistoryRow extends Row {
  prev_value: string | null;
  prev_create_rev: number | null;
}

export type MetaName = 'compact_revision' | 'swept_revision';
