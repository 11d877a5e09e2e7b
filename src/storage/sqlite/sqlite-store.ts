// SQLite backend. Every write appends a row at the next revision; the newest row per key is the
// current value (a `deleted` row is a tombstone holding the deleted value). The current state is
// also held in memory for fast reads and compare-and-swap; history reads go to SQLite.
//
// Group commit: writes that arrive while a batch is open (one event-loop turn) are evaluated in
// order, each against the state left by the previous ones, then committed in one transaction —
// one fsync for the whole batch — and acknowledged together.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  CompactedError, CompareFailedError, KeyExistsError, KeyNotFoundError,
  type KeyValue, type RangeOptions, type RangeResult, type Store, type StoreEvent, type StoreWatcher, type WatchOptions,
} from '../types.js';
import { WatcherSet } from '../watchers.js';
import { initSchema, type Row } from './schema.js';

type WriteOp =
  | { kind: 'create'; key: string; value: string }
  | { kind: 'update'; key: string; value: string; expected: number }
  | { kind: 'delete'; key: string; expected?: number };

interface Pending {
  op: WriteOp;
  resolve: (r: { revision: number; prevKv?: KeyValue }) => void;
  reject: (e: Error) => void;
}

export class SqliteStore implements Store {
  private readonly current = new Map<string, KeyValue>();
  private sortedKeys?: string[];
  private rev: number;
  private compacted: number;
  private batch: Pending[] = [];
  private flushScheduled = false;
  private readonly watchers = new WatcherSet();
  private closed = false;
  private readonly stmt: ReturnType<SqliteStore['prepare']>;

  private constructor(private readonly db: Database.Database) {
    initSchema(db);
    this.stmt = this.prepare();
    this.rev = Math.max(this.meta('revision'), (db.prepare('SELECT MAX(rev) AS r FROM kv').get() as { r: number | null }).r ?? 0);
    this.compacted = this.meta('compact_revision');
    const rows = db.prepare(`
      SELECT k.* FROM kv k JOIN (SELECT key, MAX(rev) AS rev FROM kv GROUP BY key) latest
        ON k.key = latest.key AND k.rev = latest.rev
      WHERE k.deleted = 0`).all() as Row[];
    for (const r of rows) this.current.set(r.key, toKv(r));
  }

  static open(path: string): SqliteStore {
    mkdirSync(dirname(path), { recursive: true });
    return new SqliteStore(new Database(path));
  }

  get revision(): number { return this.rev; }
  get compactRevision(): number { return this.compacted; }

  async get(key: string, revision?: number): Promise<KeyValue | undefined> {
    this.checkOpen();
    if (!revision || revision >= this.rev) return this.current.get(key);
    this.checkNotCompacted(revision);
    const row = this.stmt.getAt.get(key, revision) as Row | undefined;
    return row && !row.deleted ? toKv(row) : undefined;
  }

  async range(start: string, end: string, opts: RangeOptions = {}): Promise<RangeResult> {
    this.checkOpen();
    const at = opts.revision && opts.revision < this.rev ? opts.revision : 0;
    if (at) return this.rangeAt(start, end, at, opts);
    this.sortedKeys ??= [...this.current.keys()].sort();
    const keys = this.sortedKeys;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (keys[mid] < start) lo = mid + 1; else hi = mid;
    }
    const kvs: KeyValue[] = [];
    let count = 0;
    let more = false;
    for (let i = lo; i < keys.length && keys[i] < end; i++) {
      count++;
      if (opts.countOnly) continue;
      if (opts.limit && kvs.length >= opts.limit) { more = true; continue; }
      kvs.push(this.current.get(keys[i])!);
    }
    return { kvs, more, count, revision: this.rev };
  }

  private rangeAt(start: string, end: string, at: number, opts: RangeOptions): RangeResult {
    this.checkNotCompacted(at);
    const rows = (this.stmt.rangeAt.all(start, end, at) as Row[]).filter(r => !r.deleted);
    const count = rows.length;
    if (opts.countOnly) return { kvs: [], more: false, count, revision: at };
    const limited = opts.limit ? rows.slice(0, opts.limit) : rows;
    return { kvs: limited.map(toKv), more: limited.length < rows.length, count, revision: at };
  }

  create(key: string, value: string): Promise<number> {
    return this.enqueue({ kind: 'create', key, value }).then(r => r.revision);
  }

  update(key: string, value: string, expectedModRevision: number): Promise<number> {
    return this.enqueue({ kind: 'update', key, value, expected: expectedModRevision }).then(r => r.revision);
  }

  delete(key: string, expectedModRevision?: number): Promise<{ revision: number; prevKv: KeyValue }> {
    return this.enqueue({ kind: 'delete', key, expected: expectedModRevision }) as Promise<{ revision: number; prevKv: KeyValue }>;
  }

  watch(prefix: string, opts: WatchOptions): StoreWatcher {
    this.checkOpen();
    if (opts.afterRevision < this.compacted) throw new CompactedError(opts.afterRevision, this.compacted);
    const rows = this.stmt.history.all(opts.afterRevision, prefix, prefix + '\uffff') as Row[];
    return this.watchers.add(prefix, opts, rows.map(r => this.historyEvent(r)));
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    const target = Math.min(revision, this.rev);
    if (target <= this.compacted) return;
    this.db.transaction(() => {
      // Superseded rows at or below the target go; so do tombstones there (the key is gone).
      this.db.prepare(`
        DELETE FROM kv WHERE rev <= @t AND (deleted = 1 OR EXISTS (
          SELECT 1 FROM kv newer WHERE newer.key = kv.key AND newer.rev > kv.rev AND newer.rev <= @t))`).run({ t: target });
      this.db.prepare(`UPDATE meta SET value = ? WHERE name = 'compact_revision'`).run(target);
    })();
    this.compacted = target;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.batch.length) this.flush();
    this.closed = true;
    this.watchers.closeAll(new Error('store closed'));
    this.db.close();
  }

  private enqueue(op: WriteOp): Promise<{ revision: number; prevKv?: KeyValue }> {
    this.checkOpen();
    return new Promise((resolve, reject) => {
      this.batch.push({ op, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Evaluates and commits the open batch in one transaction, then publishes and acknowledges. */
  private flush(): void {
    this.flushScheduled = false;
    const batch = this.batch;
    this.batch = [];
    if (!batch.length || this.closed) return;
    const overlay = new Map<string, KeyValue | null>();
    const view = (key: string) => (overlay.has(key) ? overlay.get(key) ?? undefined : this.current.get(key));
    const accepted: { p: Pending; row: Row; event: StoreEvent; prevKv?: KeyValue }[] = [];
    const rejected: { p: Pending; err: Error }[] = [];
    let rev = this.rev;
    for (const p of batch) {
      const { op } = p;
      const cur = view(op.key);
      let err: Error | undefined;
      if (op.kind === 'create' && cur) err = new KeyExistsError(op.key);
      else if (op.kind !== 'create' && !cur) err = new KeyNotFoundError(op.key);
      else if (op.kind !== 'create' && op.expected !== undefined && cur!.modRevision !== op.expected) err = new CompareFailedError(op.key, cur!);
      if (err) { rejected.push({ p, err }); continue; }
      rev++;
      if (op.kind === 'delete') {
        const row: Row = { rev, key: op.key, value: cur!.value, create_rev: cur!.createRevision, prev_rev: cur!.modRevision, deleted: 1 };
        overlay.set(op.key, null);
        accepted.push({ p, row, prevKv: cur, event: { type: 'DELETE', kv: { ...cur!, modRevision: rev }, prevKv: cur, created: false } });
      } else {
        const kv: KeyValue = { key: op.key, value: op.value, createRevision: cur ? cur.createRevision : rev, modRevision: rev };
        const row: Row = { rev, key: op.key, value: op.value, create_rev: kv.createRevision, prev_rev: cur?.modRevision ?? null, deleted: 0 };
        overlay.set(op.key, kv);
        accepted.push({ p, row, event: { type: 'PUT', kv, prevKv: cur, created: !cur } });
      }
    }
    if (accepted.length) {
      try {
        this.stmt.commit(accepted.map(a => a.row), rev);
      } catch (e) {
        for (const a of accepted) a.p.reject(e as Error);
        for (const r of rejected) r.p.reject(r.err);
        return;
      }
      for (const [key, kv] of overlay) {
        if (kv) {
          if (!this.current.has(key)) this.sortedKeys = undefined;
          this.current.set(key, kv);
        } else {
          this.current.delete(key);
          this.sortedKeys = undefined;
        }
      }
      this.rev = rev;
      this.watchers.publish(accepted.map(a => a.event));
    }
    for (const a of accepted) a.p.resolve({ revision: a.row.rev, prevKv: a.prevKv });
    for (const r of rejected) r.p.reject(r.err);
  }

  private historyEvent(r: Row): StoreEvent {
    if (r.deleted) {
      const prev: KeyValue = { key: r.key, value: r.value, createRevision: r.create_rev, modRevision: r.prev_rev ?? r.rev };
      return { type: 'DELETE', kv: { ...prev, modRevision: r.rev }, prevKv: prev, created: false };
    }
    const prevRow = r.prev_rev ? this.stmt.byRev.get(r.prev_rev) as Row | undefined : undefined;
    return { type: 'PUT', kv: toKv(r), prevKv: prevRow && !prevRow.deleted ? toKv(prevRow) : undefined, created: r.create_rev === r.rev };
  }

  private prepare() {
    const insert = this.db.prepare('INSERT INTO kv (rev, key, value, create_rev, prev_rev, deleted) VALUES (@rev, @key, @value, @create_rev, @prev_rev, @deleted)');
    const setRev = this.db.prepare(`UPDATE meta SET value = ? WHERE name = 'revision'`);
    return {
      commit: this.db.transaction((rows: Row[], rev: number) => {
        for (const r of rows) insert.run(r);
        setRev.run(rev);
      }),
      getAt: this.db.prepare('SELECT * FROM kv WHERE key = ? AND rev <= ? ORDER BY rev DESC LIMIT 1'),
      byRev: this.db.prepare('SELECT * FROM kv WHERE rev = ?'),
      rangeAt: this.db.prepare(`
        SELECT k.* FROM kv k JOIN (
          SELECT key, MAX(rev) AS rev FROM kv WHERE key >= ? AND key < ? AND rev <= ? GROUP BY key
        ) latest ON k.rev = latest.rev ORDER BY k.key`),
      history: this.db.prepare('SELECT * FROM kv WHERE rev > ? AND key >= ? AND key < ? ORDER BY rev'),
    };
  }

  private meta(name: string): number {
    return (this.db.prepare('SELECT value FROM meta WHERE name = ?').get(name) as { value: number }).value;
  }

  private checkNotCompacted(revision: number): void {
    if (revision < this.compacted) throw new CompactedError(revision, this.compacted);
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('store is closed');
  }
}

function toKv(r: Row): KeyValue {
  return { key: r.key, value: r.value, createRevision: r.create_rev, modRevision: r.rev };
}
