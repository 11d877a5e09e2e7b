// Reads a container's CRI-format log file the way upstream's kubelet serves it (kuberuntime/logs):
// records joined back into lines, prefixes stripped (or replaced by the timestamp), `tailLines`
// counted from the end of the file, `since` and `limitBytes` applied, and with `follow` the file is
// watched until the container stops and everything it wrote has been sent.
import { watch } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { formatRfc3339Nano, parseCriLogLine, type CriLogRecord } from './cri-log-format.js';

export interface LogReadOptions {
  /** Only the last N lines of the file (undefined: all). */
  tailLines?: number;
  /** Skip records older than this (epoch ms). */
  sinceMs?: number;
  /** Prefix each line with its RFC3339Nano timestamp. */
  timestamps: boolean;
  /** Stop after this many bytes of output. */
  limitBytes?: number;
  /** Keep reading as the file grows, until the container stops. */
  follow: boolean;
}

export interface LogSink {
  /** Writes output; resolves once the sink can take more. */
  write(chunk: Buffer): Promise<void>;
}

export interface FollowControl {
  /** Whether the container may still write (checked when the file stops growing). */
  running(): Promise<boolean>;
  /** Aborted when the reader of the log goes away. */
  signal: AbortSignal;
  /** How long to wait for the file to grow before asking `running` again. */
  checkIntervalMs?: number;
}

const READ_BLOCK = 64 * 1024;

export async function readContainerLog(path: string, opts: LogReadOptions, sink: LogSink, follow?: FollowControl): Promise<void> {
  const copier = new LogCopier(path, await open(path, 'r'), opts, sink);
  try {
    await copier.run(follow);
  } finally {
    await copier.fh.close();
    await copier.rotated?.close();
  }
}

class LogCopier {
  private remaining: number;
  private linesLeft: number;
  /** Whether the next record starts a new line (and so gets the timestamp prefix). */
  private atLineStart = true;
  /** The new file at the path once a rotation is seen, read after the old one is finished. */
  rotated?: FileHandle;

  constructor(private readonly path: string, public fh: FileHandle, private readonly opts: LogReadOptions, private readonly sink: LogSink) {
    this.remaining = opts.limitBytes ?? Infinity;
    // With follow, tail only picks the starting point; without it, it also bounds the output.
    this.linesLeft = opts.tailLines !== undefined && !opts.follow ? opts.tailLines : Infinity;
  }

  async run(follow?: FollowControl): Promise<void> {
    const size = (await this.fh.stat()).size;
    let pos = this.opts.tailLines === undefined ? 0 : await tailStartOffset(this.fh, size, this.opts.tailLines);
    const buf = Buffer.allocUnsafe(READ_BLOCK);
    let pending: Buffer = Buffer.alloc(0);
    let lastPass = false;
    for (;;) {
      if (this.linesLeft <= 0 || this.remaining <= 0 || follow?.signal.aborted) return;
      const { bytesRead } = await this.fh.read(buf, 0, buf.length, pos);
      if (bytesRead > 0) {
        pos += bytesRead;
        pending = pending.length ? Buffer.concat([pending, buf.subarray(0, bytesRead)]) : Buffer.from(buf.subarray(0, bytesRead));
        // One write per block read, not per line: big logs stay cheap to send.
        const batch: Buffer[] = [];
        let more = true;
        let nl: number;
        while (more && (nl = pending.indexOf(0x0a)) >= 0) {
          const line = pending.subarray(0, nl + 1);
          pending = pending.subarray(nl + 1);
          more = this.emit(line, batch);
        }
        if (batch.length) await this.sink.write(Buffer.concat(batch));
        if (!more) return;
        continue;
      }
      if (!this.opts.follow || !follow) {
        // The file ends without a newline: upstream still shows that last incomplete record.
        const batch: Buffer[] = [];
        if (pending.length) this.emit(pending, batch);
        if (batch.length) await this.sink.write(Buffer.concat(batch));
        return;
      }
      if (lastPass) return;
      // The kubelet rotated the log (renamed it and had the runtime reopen the path): once the old
      // file is read to its end after the rename was seen, go on from the start of the new one, as
      // upstream's follow does.
      if (this.rotated) {
        await this.fh.close();
        this.fh = this.rotated;
        this.rotated = undefined;
        pos = 0;
        continue;
      }
      if ((this.rotated = await this.newFileAtPath())) continue;
      const grew = await waitForChange(this.path, follow.signal, follow.checkIntervalMs ?? 1000);
      // A stopped container writes nothing more: read to the end once more, then finish.
      if (!grew && !follow.signal.aborted && !(await follow.running())) lastPass = true;
    }
  }

  /** The file now at the path when it is not the one being read (the log was rotated). */
  private async newFileAtPath(): Promise<FileHandle | undefined> {
    let next: FileHandle;
    try {
      next = await open(this.path, 'r');
    } catch {
      return undefined; // Between the rename and the runtime's reopen: a later pass sees the new file.
    }
    const [was, now] = await Promise.all([this.fh.stat(), next.stat()]);
    if (was.ino !== now.ino || was.dev !== now.dev) return next;
    await next.close();
    return undefined;
  }

  /** Adds one record's output to `out`; false once the byte or line limit is reached. */
  private emit(line: Buffer, out: Buffer[]): boolean {
    let rec: CriLogRecord;
    try {
      rec = parseCriLogLine(line);
    } catch {
      // Upstream skips records it cannot parse.
      return true;
    }
    const prefixed = this.opts.timestamps && this.atLineStart;
    this.atLineStart = rec.content.length === 0 || rec.content[rec.content.length - 1] === 0x0a;
    this.linesLeft--;
    if (this.opts.sinceMs !== undefined && rec.timeMs < this.opts.sinceMs) return this.linesLeft > 0;
    let text = prefixed ? Buffer.concat([Buffer.from(formatRfc3339Nano(rec.time) + ' '), rec.content]) : rec.content;
    if (text.length > this.remaining) text = text.subarray(0, this.remaining);
    if (text.length) out.push(text);
    this.remaining -= text.length;
    return this.remaining > 0 && this.linesLeft > 0;
  }
}

/**
 * Offset of the first of the last `n` lines. A last line without its newline is not counted (as in
 * upstream's tail.FindTailLineStartIndex); n = 0 means the end of the file.
 */
export async function tailStartOffset(fh: FileHandle, size: number, n: number): Promise<number> {
  if (n < 0) return 0;
  // The line starts right after the (n+1)-th newline counted from the end.
  let seen = 0;
  let end = size;
  const buf = Buffer.allocUnsafe(READ_BLOCK);
  while (end > 0) {
    const start = Math.max(0, end - READ_BLOCK);
    const { bytesRead } = await fh.read(buf, 0, end - start, start);
    for (let i = bytesRead - 1; i >= 0; i--) {
      if (buf[i] !== 0x0a) continue;
      seen++;
      if (seen === n + 1) return start + i + 1;
    }
    end = start;
  }
  return 0;
}

/** Resolves true when the file changes, false after `ms` or on abort. */
function waitForChange(path: string, signal: AbortSignal, ms: number): Promise<boolean> {
  return new Promise(resolve => {
    let watcher: ReturnType<typeof watch> | undefined;
    const finish = (changed: boolean) => {
      clearTimeout(timer);
      watcher?.close();
      signal.removeEventListener('abort', onAbort);
      resolve(changed);
    };
    const onAbort = () => finish(false);
    const timer = setTimeout(() => finish(false), ms);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      watcher = watch(path, () => finish(true));
      watcher.on('error', () => finish(false));
    } catch {
      // Unwatchable (e.g. removed): the timeout re-checks.
    }
  });
}
