// The SQLite layout: a log of every write (one row per revision, like kine) plus a metadata table
// for the current and compacted revisions, which must survive even when compaction removes rows.
import type Database from 'better-sqlite3';

export function initSchema(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  // FULL: a commit is on disk (the WAL is fsynced) before the write is acknowledged.
  db.pragma('synchronous = FULL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS kv (
      rev        INTEGER PRIMARY KEY,
      key        TEXT    NOT NULL,
      value      TEXT    NOT NULL,
      create_rev INTEGER NOT NULL,
      prev_rev   INTEGER,
      deleted    INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX IF NOT EXISTS kv_key_rev ON kv (key, rev);
    CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
    INSERT OR IGNORE INTO meta (name, value) VALUES ('revision', 0), ('compact_revision', 0);
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
