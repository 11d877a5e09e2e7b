// Every SQL statement the SQLite store runs, prepared once.
import type Database from 'better-sqlite3';
import { isBinaryValue, valueToBytes } from '../value-bytes.js';
import type { HistoryRow, MetaName, Row } from './schema.js';

/**
 * Encrypted values (binary strings) are stored as BLOBs, so that the file holds upstream's exact
 * bytes; everything else is TEXT. SQLite keeps a BLOB as it is in a TEXT-declared column.
 */
function toColumn(value: string): string | Buffer {
  return isBinaryValue(value) ? valueToBytes(value) : value;
}

function fromColumns<R extends Row | HistoryRow | undefined>(row: R): R {
  if (!row) return row;
  const r = row as { value: string | Buffer; prev_value?: string | Buffer | null };
  if (typeof r.value !== 'string') r.value = r.value.toString('latin1');
  if (r.prev_value != null && typeof r.prev_value !== 'string') r.prev_value = r.prev_value.toString('latin1');
  return row;
}

export class Queries {
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    this.stmts = {
      newest: db.prepare('SELECT * FROM kv WHERE key = ? ORDER BY rev DESC LIMIT 1'),
      newestAt: db.prepare('SELECT * FROM kv WHERE key = ? AND rev <= ? ORDER BY rev DESC LIMIT 1'),
      // Live rows in [start, end) with no newer row at or below `at`: walks the (key, rev, deleted)
      // index in key order, so a LIMIT stops early, and only the rows returned touch the table.
      rangeAt: db.prepare(`
        SELECT * FROM kv WHERE key >= @start AND key < @end AND rev <= @at AND deleted = 0
          AND NOT EXISTS (SELECT 1 FROM kv newer WHERE newer.key = kv.key AND newer.rev > kv.rev AND newer.rev <= @at)
        ORDER BY key LIMIT @limit`),
      countAt: db.prepare(`
        SELECT COUNT(*) AS n FROM (
          SELECT MAX(rev), deleted FROM kv WHERE key >= ? AND key < ? AND rev <= ? GROUP BY key HAVING deleted = 0)`),
      history: db.prepare(`
        SELECT kv.*, prev.value AS prev_value, prev.create_rev AS prev_create_rev
        FROM kv LEFT JOIN kv prev ON prev.rev = kv.prev_rev
        WHERE kv.rev > ? AND kv.rev <= ? AND kv.key >= ? AND kv.key < ? ORDER BY kv.rev`),
      insert: db.prepare('INSERT INTO kv (rev, key, value, create_rev, prev_rev, deleted) VALUES (@rev, @key, @value, @create_rev, @prev_rev, @deleted)'),
      maxRevision: db.prepare('SELECT MAX(rev) AS rev FROM kv'),
      // Compaction of the rows written in (from, to]: each removes the version it superseded, and
      // tombstones go too (at the compact revision their key does not exist).
      removeSuperseded: db.prepare('DELETE FROM kv WHERE rev IN (SELECT prev_rev FROM kv WHERE rev > ? AND rev <= ? AND prev_rev IS NOT NULL)'),
      removeTombstones: db.prepare('DELETE FROM kv WHERE rev > ? AND rev <= ? AND deleted = 1'),
      getMeta: db.prepare('SELECT value FROM meta WHERE name = ?'),
      setMeta: db.prepare('UPDATE meta SET value = ? WHERE name = ?'),
    };
  }

  newest(key: string): Row | undefined {
    return fromColumns(this.stmts.newest.get(key) as Row | undefined);
  }

  newestAt(key: string, at: number): Row | undefined {
    return fromColumns(this.stmts.newestAt.get(key, at) as Row | undefined);
  }

  /** Live rows of the range at `at`, in key order; limit 0 means all. */
  rangeAt(start: string, end: string, at: number, limit: number): Row[] {
    const rows = this.stmts.rangeAt.all({ start, end, at, limit: limit || -1 }) as Row[];
    for (const r of rows) fromColumns(r);
    return rows;
  }

  countAt(start: string, end: string, at: number): number {
    return (this.stmts.countAt.get(start, end, at) as { n: number }).n;
  }

  /** Rows written in (after, upto] with keys in [start, end), oldest first. */
  history(after: number, upto: number, start: string, end: string): HistoryRow[] {
    const rows = this.stmts.history.all(after, upto, start, end) as HistoryRow[];
    for (const r of rows) fromColumns(r);
    return rows;
  }

  insert(row: Row): void {
    this.stmts.insert.run(isBinaryValue(row.value) ? { ...row, value: toColumn(row.value) } : row);
  }

  maxRevision(): number {
    return (this.stmts.maxRevision.get() as { rev: number | null }).rev ?? 0;
  }

  removeCompacted(from: number, to: number): void {
    this.stmts.removeSuperseded.run(from, to);
    this.stmts.removeTombstones.run(from, to);
  }

  meta(name: MetaName): number {
    return (this.stmts.getMeta.get(name) as { value: number }).value;
  }

  setMeta(name: MetaName, value: number): void {
    this.stmts.setMeta.run(value, name);
  }

  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
    return this.db.transaction(fn);
  }
}
