// The cluster's container log store: a SQLite database (`<data-dir>/logs/logs.db`) apart from the
// object store, with an FTS5 index of every line. Lines of deleted pods stay until retention (age
// and size) removes the oldest.
//
// A line's rowid is its time in ms × 2048 plus a sequence, so the FTS index itself yields lines
// newest first, `since` is a rowid range and age retention a rowid range delete. The index is
// contentless (the text lives once, in `lines`); retention removes a line from it with FTS5's
// 'delete' command and the text from `lines`.
//
// Ingest cost is nearly all the FTS index (measured with `npm run bench -- logs`, CPU time per
// line): no token positions (detail=none; words of several tokens are checked on the candidate
// lines instead, log-query-text.ts), no per-row size table (columnsize=0: only bm25 ranking reads
// it, and search orders by time), no contentless_delete (it needs that table and keeps per-segment
// tombstones), 8 KiB pages with leaves to match, and merges of 8 segments at a time rather than 4
// (fewer rewrites of the same postings; a search reads a few more segments).
// Each ingest is one transaction, durable when it returns: WAL with synchronous=NORMAL survives a
// crash of the process (what the API acknowledges is in the WAL the OS holds).
// Batches carry the shipping agent's file offset; one already stored is acknowledged without being
// stored twice, so an agent that lost its own record of an offset neither duplicates nor loses lines.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { LabelSelector } from '../../api/selectors/label-selector.js';
import { errorMessage } from '../../util/error-message.js';
import { hasPhrases, textFilter } from './log-query-text.js';

const SEQ_BITS = 2048;

export type LogStream = 'stdout' | 'stderr';

/** Where lines come from: one container of one pod. */
export interface LogSource {
  namespace: string;
  pod: string;
  podUid: string;
  container: string;
  node: string;
  labels: Record<string, string>;
}

export interface LogLine {
  timeMs: number;
  stream: LogStream;
  line: string;
}

/** Lines read from one log file of one container, `fromOffset` to `toOffset` (bytes). */
export interface LogBatch {
  source: LogSource;
  /** Identifies the file across renames (e.g. `<container id>/<inode>`). */
  file: string;
  fromOffset: number;
  toOffset: number;
  lines: LogLine[];
}

export interface LogQuery {
  /** Words that must all occur in a line (empty: every line). */
  text?: string;
  /** Namespaces the caller may read; undefined means all. */
  namespaces?: string[];
  selector?: string;
  pod?: string;
  container?: string;
  sinceMs?: number;
  limit?: number;
  /** Continue token of the previous page. */
  continue?: string;
}

export interface LogResult {
  time: string;
  namespace: string;
  pod: string;
  container: string;
  node: string;
  stream: LogStream;
  line: string;
}

export interface LogPage {
  items: LogResult[];
  /** Token for the next (older) page; absent on the last page. */
  continue?: string;
}

export interface RetentionPolicy {
  maxAgeMs: number;
  maxBytes: number;
}

export class LogQueryError extends Error {}

export class LogStore {
  private readonly db: Database.Database;
  private readonly sourceIds = new Map<string, number>();
  /** The millisecond (× 2048) and id of the last line stored. */
  private lastBase = -1;
  private lastId = -1;
  private readonly stmts;
  /** SQL removing the lines with ids below its parameter from the FTS index. */
  private readonly deleteFromIndex: string;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    // Takes effect only on a new database (before its first page is written).
    this.db.pragma('page_size = 8192');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS sources (id INTEGER PRIMARY KEY, key TEXT UNIQUE NOT NULL, namespace TEXT NOT NULL, pod TEXT NOT NULL,
        pod_uid TEXT NOT NULL, container TEXT NOT NULL, node TEXT NOT NULL, labels TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS lines (id INTEGER PRIMARY KEY, source INTEGER NOT NULL, stream INTEGER NOT NULL, line TEXT NOT NULL);
      CREATE VIRTUAL TABLE IF NOT EXISTS lines_fts USING fts5(line, content='', columnsize=0, detail=none);
      CREATE TABLE IF NOT EXISTS offsets (file TEXT PRIMARY KEY, node TEXT NOT NULL, offset INTEGER NOT NULL);
      INSERT INTO lines_fts (lines_fts, rank) VALUES ('pgsz', 8000);
      INSERT INTO lines_fts (lines_fts, rank) VALUES ('automerge', 8);
      INSERT INTO lines_fts (lines_fts, rank) VALUES ('crisismerge', 32);
    `);
    // Words of several tokens are checked on the candidate lines (log-query-text.ts); the phrases
    // come as one JSON parameter per search, parsed once.
    let phrasesJson = '';
    let phrases: string[][] = [];
    this.db.function('k8ts_has_phrases', { deterministic: true }, (line, json) => {
      if (json !== phrasesJson) phrases = JSON.parse(phrasesJson = json as string);
      return hasPhrases(line as string, phrases) ? 1 : 0;
    });
    // A store made before these settings deletes from its index by rowid (contentless_delete=1).
    const ftsSql = this.db.prepare("SELECT sql FROM sqlite_master WHERE name = 'lines_fts'").pluck().get() as string;
    this.deleteFromIndex = /contentless_delete\s*=\s*1/.test(ftsSql)
      ? 'DELETE FROM lines_fts WHERE rowid < ?'
      : "INSERT INTO lines_fts (lines_fts, rowid, line) SELECT 'delete', id, line FROM lines WHERE id < ?";
    for (const r of this.db.prepare('SELECT id, key FROM sources').all() as { id: number; key: string }[]) this.sourceIds.set(r.key, r.id);
    this.stmts = {
      source: this.db.prepare('INSERT INTO sources (key, namespace, pod, pod_uid, container, node, labels) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      line: this.db.prepare('INSERT OR IGNORE INTO lines (id, source, stream, line) VALUES (?, ?, ?, ?)'),
      fts: this.db.prepare('INSERT INTO lines_fts (rowid, line) VALUES (?, ?)'),
      offset: this.db.prepare('SELECT offset FROM offsets WHERE file = ?').pluck(),
      setOffset: this.db.prepare('INSERT INTO offsets (file, node, offset) VALUES (?, ?, ?) ON CONFLICT (file) DO UPDATE SET offset = excluded.offset'),
    };
  }

  close(): void {
    this.db.close();
  }

  /** The offset up to which a file's lines are stored (0 when none are). */
  offset(file: string): number {
    return (this.stmts.offset.get(file) as number | undefined) ?? 0;
  }

  /**
   * Stores batches in one transaction; returns the lines stored. A batch starting before what is
   * stored of its file was sent before: it is skipped (the agent resends from the stored offset).
   */
  ingest(batches: LogBatch[]): number {
    return this.db.transaction(() => {
      let stored = 0;
      for (const b of batches) {
        if (b.fromOffset < this.offset(b.file)) continue;
        const source = this.sourceId(b.source);
        for (const l of b.lines) {
          const id = this.insertLine(source, l);
          this.stmts.fts.run(id, l.line);
          stored++;
        }
        this.stmts.setOffset.run(b.file, b.source.node, b.toOffset);
      }
      return stored;
    })();
  }

  /** Namespaces with stored lines (of running or deleted pods). */
  namespaces(): string[] {
    return this.db.prepare('SELECT DISTINCT namespace FROM sources').pluck().all() as string[];
  }

  search(q: LogQuery): LogPage {
    const limit = Math.min(Math.max(q.limit ?? 100, 1), 1000);
    const sources = this.matchingSources(q);
    if (sources && !sources.length) return { items: [] };
    const where: string[] = [];
    const params: unknown[] = [];
    const before = q.continue === undefined ? undefined : Number(q.continue);
    if (before !== undefined && !Number.isSafeInteger(before)) throw new LogQueryError(`invalid continue token ${JSON.stringify(q.continue)}`);
    const { match, phrases, matchesNothing } = textFilter(q.text ?? '');
    if (matchesNothing) return { items: [] };
    const idCol = match ? 'f.rowid' : 'l.id';
    if (before !== undefined) where.push(`${idCol} < ?`), params.push(before);
    if (q.sinceMs !== undefined) where.push(`${idCol} >= ?`), params.push(q.sinceMs * SEQ_BITS);
    if (sources) where.push(`l.source IN (${sources.join(',')})`);
    if (phrases.length) where.push('k8ts_has_phrases(l.line, ?)'), params.push(JSON.stringify(phrases));
    let sql: string;
    if (match) {
      sql = `SELECT l.id, l.source, l.stream, l.line FROM lines_fts f JOIN lines l ON l.id = f.rowid WHERE lines_fts MATCH ?${where.map(w => ' AND ' + w).join('')} ORDER BY f.rowid DESC LIMIT ?`;
      params.unshift(match);
    } else {
      sql = `SELECT l.id, l.source, l.stream, l.line FROM lines l${where.length ? ' WHERE ' + where.join(' AND ') : ''} ORDER BY l.id DESC LIMIT ?`;
    }
    params.push(limit + 1);
    const rows = this.db.prepare(sql).all(...params) as { id: number; source: number; stream: number; line: string }[];
    const page = rows.slice(0, limit);
    const meta = this.sourceMeta(new Set(page.map(r => r.source)));
    return {
      items: page.map(r => {
        const s = meta.get(r.source)!;
        return { time: new Date(Math.floor(r.id / SEQ_BITS)).toISOString(), namespace: s.namespace, pod: s.pod, container: s.container, node: s.node, stream: r.stream ? 'stderr' : 'stdout', line: r.line };
      }),
      continue: rows.length > limit ? String(page[page.length - 1].id) : undefined,
    };
  }

  /** Removes lines older than maxAge, then the oldest until the database uses at most maxBytes. */
  enforceRetention(policy: RetentionPolicy, nowMs = Date.now()): number {
    let removed = this.deleteBefore((nowMs - policy.maxAgeMs) * SEQ_BITS);
    for (;;) {
      const used = this.usedBytes();
      if (used <= policy.maxBytes) break;
      const count = (this.db.prepare('SELECT count(*) FROM lines').pluck().get() as number);
      if (!count) break;
      // Drop the oldest share of lines proportional to the excess (at least 1 %), then measure again.
      const share = Math.min(1, Math.max(0.01, (used - policy.maxBytes) / used));
      const cutoff = this.db.prepare('SELECT id FROM lines ORDER BY id LIMIT 1 OFFSET ?').pluck().get(Math.max(0, Math.ceil(count * share) - 1)) as number;
      removed += this.deleteBefore(cutoff + 1);
    }
    return removed;
  }

  /** Bytes of the database in use (free pages left by deletes are reused, not counted). */
  usedBytes(): number {
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    return (pages - free) * (this.db.pragma('page_size', { simple: true }) as number);
  }

  private deleteBefore(id: number): number {
    return this.db.transaction(() => {
      this.db.prepare(this.deleteFromIndex).run(id);
      return this.db.prepare('DELETE FROM lines WHERE id < ?').run(id).changes;
    })();
  }

  private insertLine(source: number, l: LogLine): number {
    const base = Math.max(0, Math.floor(l.timeMs)) * SEQ_BITS;
    const stream = l.stream === 'stderr' ? 1 : 0;
    // Lines of one millisecond take successive ids after the last one stored; a taken id moves on to
    // the next free one (at worst into the next millisecond).
    let id = base === this.lastBase ? this.lastId + 1 : base;
    while (!this.stmts.line.run(id, source, stream, l.line).changes) id++;
    this.lastBase = base;
    this.lastId = id;
    return id;
  }

  private sourceId(s: LogSource): number {
    const key = `${s.podUid}/${s.container}`;
    let id = this.sourceIds.get(key);
    if (id === undefined) {
      id = Number(this.stmts.source.run(key, s.namespace, s.pod, s.podUid, s.container, s.node, JSON.stringify(s.labels)).lastInsertRowid);
      this.sourceIds.set(key, id);
    }
    return id;
  }

  /** Source ids the filters allow; undefined when no filter applies. */
  private matchingSources(q: LogQuery): number[] | undefined {
    if (!q.namespaces && !q.selector && !q.pod && !q.container) return undefined;
    let selector: LabelSelector | undefined;
    try {
      selector = q.selector ? LabelSelector.parse(q.selector) : undefined;
    } catch (err) {
      throw new LogQueryError(`invalid selector: ${errorMessage(err)}`);
    }
    const allowed = q.namespaces ? new Set(q.namespaces) : undefined;
    const rows = this.db.prepare('SELECT id, namespace, pod, container, labels FROM sources').all() as { id: number; namespace: string; pod: string; container: string; labels: string }[];
    return rows.filter(r => (!allowed || allowed.has(r.namespace)) && (!q.pod || r.pod === q.pod) && (!q.container || r.container === q.container)
      && (!selector || selector.matches(JSON.parse(r.labels)))).map(r => r.id);
  }

  private sourceMeta(ids: Set<number>): Map<number, LogSource> {
    const out = new Map<number, LogSource>();
    if (!ids.size) return out;
    const rows = this.db.prepare(`SELECT id, namespace, pod, pod_uid, container, node, labels FROM sources WHERE id IN (${[...ids].join(',')})`).all() as
      { id: number; namespace: string; pod: string; pod_uid: string; container: string; node: string; labels: string }[];
    for (const r of rows) out.set(r.id, { namespace: r.namespace, pod: r.pod, podUid: r.pod_uid, container: r.container, node: r.node, labels: JSON.parse(r.labels) });
    return out;
  }
}
