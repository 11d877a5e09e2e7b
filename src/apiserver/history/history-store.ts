// The history of every object: one row per successful write, in its own SQLite database under
// <data-dir>/history/ (never in the object store). Writes are queued on the request path and
// committed in batches off it; close() commits what is queued, so a clean shutdown loses no
// acknowledged write's record. A crash loses at most the batch not yet committed (one flush
// interval). Each revision stores the whole object as its JSON text: it needs no chain of diffs
// to read back, survives retention dropping older rows, and costs the event loop least (deflating
// each object cost more than the insert itself); diffs are computed when asked for.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../../api/object.js';
import { knownObjectJson } from '../registry/object-json.js';

export type HistoryOperation = 'create' | 'update' | 'patch' | 'apply' | 'delete';

/** One write as the API server saw it. */
export interface HistoryWrite {
  group: string;
  resource: string;
  namespace: string;
  name: string;
  uid: string;
  subresource: string;
  operation: HistoryOperation;
  resourceVersion: string;
  user: string;
  groups: string[];
  userAgent: string;
  fieldManager: string;
  /** The object after the write (before it for a delete); already redacted. */
  object: KubeObject;
  /** Milliseconds since the epoch. */
  time: number;
}

/** A revision as the history API returns it. */
export interface HistoryRevision extends Omit<HistoryWrite, 'object' | 'group' | 'resource'> {
  revision: number;
  object?: KubeObject;
}

const FLUSH_INTERVAL_MS = 200;
const PRUNE_INTERVAL_MS = 60_000;

export class HistoryStore {
  private readonly db: Database.Database;
  private queue: HistoryWrite[] = [];
  private readonly flushTimer: NodeJS.Timeout;
  private readonly pruneTimer: NodeJS.Timeout;
  private readonly insert: Database.Statement;

  /** `retentionMs` is how long revisions are kept. */
  constructor(dir: string, private readonly retentionMs: number, private readonly now: () => number = Date.now) {
    mkdirSync(dir, { recursive: true });
    this.db = new Database(join(dir, 'history.db'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS revisions (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      grp TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
      uid TEXT NOT NULL, subresource TEXT NOT NULL, operation TEXT NOT NULL, resource_version TEXT NOT NULL,
      user TEXT NOT NULL, groups TEXT NOT NULL, user_agent TEXT NOT NULL, field_manager TEXT NOT NULL,
      time INTEGER NOT NULL, object TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS revisions_object ON revisions (grp, resource, namespace, name, id);
      CREATE INDEX IF NOT EXISTS revisions_time ON revisions (time);`);
    this.insert = this.db.prepare(`INSERT INTO revisions (grp, resource, namespace, name, uid, subresource, operation,
      resource_version, user, groups, user_agent, field_manager, time, object) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`);
    this.flushTimer = setInterval(() => this.flush(), FLUSH_INTERVAL_MS);
    this.flushTimer.unref();
    this.pruneTimer = setInterval(() => this.prune(), PRUNE_INTERVAL_MS);
    this.pruneTimer.unref();
  }

  /** Queues a write's record; called on the request path, so it does no I/O. */
  record(write: HistoryWrite): void {
    this.queue.push(write);
  }

  /** Commits the queued records in one transaction. */
  flush(): void {
    if (!this.queue.length) return;
    const batch = this.queue;
    this.queue = [];
    this.db.transaction(() => {
      for (const w of batch) {
        this.insert.run(w.group, w.resource, w.namespace, w.name, w.uid, w.subresource, w.operation, w.resourceVersion,
          w.user, JSON.stringify(w.groups), w.userAgent, w.fieldManager, w.time, objectText(w.object));
      }
    })();
  }

  /** Drops revisions older than the retention window. */
  prune(): number {
    this.flush();
    return this.db.prepare('DELETE FROM revisions WHERE time < ?').run(this.now() - this.retentionMs).changes;
  }

  /** The revisions of one object, oldest first, with the objects when `withObjects`. */
  revisions(group: string, resource: string, namespace: string, name: string, withObjects: boolean): HistoryRevision[] {
    this.flush();
    const rows = this.db.prepare(`SELECT * FROM revisions WHERE grp = ? AND resource = ? AND namespace = ? AND name = ? AND time >= ? ORDER BY id`)
      .all(group, resource, namespace, name, this.now() - this.retentionMs) as Row[];
    return rows.map(row => ({
      revision: row.id,
      namespace: row.namespace, name: row.name, uid: row.uid, subresource: row.subresource,
      operation: row.operation as HistoryOperation, resourceVersion: row.resource_version,
      user: row.user, groups: JSON.parse(row.groups) as string[], userAgent: row.user_agent, fieldManager: row.field_manager,
      time: row.time,
      ...(withObjects ? { object: JSON.parse(row.object) as KubeObject } : {}),
    }));
  }

  /** Commits what is queued and closes the database; closing twice is harmless. */
  close(): void {
    if (!this.db.open) return;
    clearInterval(this.flushTimer);
    clearInterval(this.pruneTimer);
    this.flush();
    this.db.close();
  }
}

/**
 * An object's JSON: a written object's is usually still kept from its response (the write's stored
 * text with its revision), so the flush does not encode every recorded object a second time.
 */
function objectText(obj: KubeObject): string {
  return knownObjectJson(obj) ?? JSON.stringify(obj);
}

interface Row {
  id: number; namespace: string; name: string; uid: string; subresource: string; operation: string; resource_version: string;
  user: string; groups: string; user_agent: string; field_manager: string; time: number; object: string;
}
