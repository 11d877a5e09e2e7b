// The audit log file (--audit-log-path) with size-based rotation named as upstream's lumberjack
// does it: when a write would take the file past --audit-log-maxsize megabytes (0: 100), the file
// is renamed to <name>-<UTC time as 2006-01-02T15-04-05.000><ext> and a new one started; then
// backups beyond --audit-log-maxbackup (0: all kept) and older than --audit-log-maxage days
// (0: no limit, by the time in their names) are removed. Writes are synchronous, as upstream's
// default blocking mode: the event is on disk (in the page cache) before the request goes on.
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

const MEGABYTE = 1024 * 1024;
const DEFAULT_MAX_SIZE_MB = 100;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface LogFileOptions {
  /** Megabytes; 0 means lumberjack's default of 100. */
  maxSizeMB: number;
  maxBackups: number;
  maxAgeDays: number;
  /** For tests: the clock naming backups. */
  now?: () => Date;
}

export interface AuditSink {
  write(line: string): void;
  close(): void;
}

/** `-`: events go to standard output. */
export const stdoutSink: AuditSink = {
  write: line => void process.stdout.write(line),
  close: () => {},
};

export class RotatingLogFile implements AuditSink {
  private fd?: number;
  private size = 0;
  private readonly maxBytes: number;
  private readonly now: () => Date;

  constructor(readonly path: string, private readonly opts: LogFileOptions) {
    this.maxBytes = (opts.maxSizeMB > 0 ? opts.maxSizeMB : DEFAULT_MAX_SIZE_MB) * MEGABYTE;
    this.now = opts.now ?? (() => new Date());
    // As upstream's ensureLogFile: the directory and file exist (mode 0600) from the start.
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.open();
  }

  write(line: string): void {
    const bytes = Buffer.byteLength(line);
    if (bytes > this.maxBytes) throw new Error(`write length ${bytes} exceeds maximum file size ${this.maxBytes}`);
    if (this.fd === undefined) this.open();
    if (this.size + bytes > this.maxBytes) this.rotate();
    writeSync(this.fd!, line);
    this.size += bytes;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private open(): void {
    this.fd = openSync(this.path, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  private rotate(): void {
    this.close();
    renameSync(this.path, this.backupName(this.now()));
    this.open();
    this.removeOldBackups();
  }

  private backupName(t: Date): string {
    const ext = extname(this.path);
    const prefix = basename(this.path, ext);
    const stamp = t.toISOString().slice(0, 23).replace(/:/g, '-'); // 2006-01-02T15-04-05.000
    return join(dirname(this.path), `${prefix}-${stamp}${ext}`);
  }

  /** Backups by the time in their names, newest first. */
  backups(): { path: string; time: number }[] {
    const ext = extname(this.path);
    const prefix = `${basename(this.path, ext)}-`;
    const dir = dirname(this.path);
    const out: { path: string; time: number }[] = [];
    for (const name of readdirSync(dir)) {
      if (!name.startsWith(prefix) || !name.endsWith(ext)) continue;
      const stamp = name.slice(prefix.length, name.length - ext.length);
      const m = stamp.match(/^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})\.(\d{3})$/);
      if (!m) continue;
      const time = Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`);
      if (!Number.isNaN(time) && statSync(join(dir, name)).isFile()) out.push({ path: join(dir, name), time });
    }
    return out.sort((a, b) => b.time - a.time);
  }

  private removeOldBackups(): void {
    let files = this.backups();
    const remove: string[] = [];
    if (this.opts.maxBackups > 0 && files.length > this.opts.maxBackups) {
      remove.push(...files.slice(this.opts.maxBackups).map(f => f.path));
      files = files.slice(0, this.opts.maxBackups);
    }
    if (this.opts.maxAgeDays > 0) {
      const cutoff = this.now().getTime() - this.opts.maxAgeDays * DAY_MS;
      remove.push(...files.filter(f => f.time < cutoff).map(f => f.path));
    }
    for (const p of remove) {
      try { unlinkSync(p); } catch { /* already gone */ }
    }
  }
}
