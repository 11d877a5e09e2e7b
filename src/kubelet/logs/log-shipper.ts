// Ships this node's container log lines to the cluster log store (POST /logs/v1/ingest), as the
// node. The log files are the buffer: the shipper keeps in memory only how far each file is stored
// (learned from GET /logs/v1/offsets, moved on when a batch is acknowledged) and the one request
// it is sending. Every interval (or at once while there is a backlog) it lists the pod log
// directories, reads what each file holds past its offset — a rotated file to its end before the
// container's newer files — and posts the whole lines as one request; a failed request is retried
// with backoff from the offsets the server reports then, so a server that stored a batch but could
// not answer is not sent its lines twice, and nothing is skipped.
//
// A file is known to the store by `<pod uid>/<container>/<attempt>/<time of its first record>`:
// that survives the rename of a rotation (the inode would be reused once a rotated file is removed).
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RestClient } from '../../client/rest-client.js';
import type { LogBatch, LogSource } from '../../storage/logs/log-store.js';
import type { Logger } from '../../util/log.js';
import { parseCriChunk } from './cri-log-chunk.js';
import { containerLogFiles, parsePodLogDirName, type PodLogDirName } from './pod-log-files.js';
import { errorMessage } from '../../util/error-message.js';

export interface LogShipperOptions {
  /** The node's client (system:node:<name>; RBAC system:k8ts-log-shipper). */
  client: RestClient;
  nodeName: string;
  /** `<kubelet root>/pods`, where the pod log directories are. */
  podLogRoot: string;
  /** The labels of a pod this kubelet knows (for labelSelector searches); undefined once it is gone. */
  podLabels: (uid: string) => Record<string, string> | undefined;
  /** How often new lines are looked for when there is no backlog (default 1 s). */
  intervalMs?: number;
  /** Bytes of log files read into one request (default 1 MiB); bounds the shipper's memory. */
  maxRequestBytes?: number;
  log: Logger;
}

/** One log file found by a scan. */
interface FoundFile {
  path: string;
  key: string;
  ino: number;
  size: number;
  /** `<uid>/<container>`: files of one container are read in order. */
  container: string;
  source: LogSource;
}

const BACKOFF_START_MS = 500;
const BACKOFF_MAX_MS = 10_000;
const FIRST_RECORD_PEEK = 64;

export class LogShipper {
  /** Path → its inode and store key, so a file's first record is read once. */
  private readonly identities = new Map<string, { ino: number; key: string }>();
  /** Store key → bytes of the file stored. */
  private readonly offsets = new Map<string, number>();
  /** Pod uid → labels, remembered while the pod's logs exist (they outlive the pod). */
  private readonly labels = new Map<string, Record<string, string>>();
  private readonly interval: number;
  private readonly maxBytes: number;
  private stopped = false;
  private readonly wake = new AbortController();
  private loop?: Promise<void>;

  constructor(private readonly o: LogShipperOptions) {
    this.interval = o.intervalMs ?? 1000;
    this.maxBytes = o.maxRequestBytes ?? 1024 * 1024;
  }

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake.abort();
    await this.loop;
  }

  /**
   * Whether every line the file holds now is stored (log GC waits for it before removing the
   * file). Known only for files a scan found, at offsets learned since this start; a file holding
   * no whole record has nothing to ship.
   */
  async shippedToEnd(path: string): Promise<boolean> {
    const st = await stat(path).catch(() => undefined);
    if (!st) return true;
    const known = this.identities.get(path);
    if (known?.ino !== st.ino) return st.size === 0;
    const offset = this.offsets.get(known.key);
    return offset !== undefined && offset >= st.size;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      let backlog = false;
      try {
        backlog = await this.shipOnce();
        if (failures) this.o.log('log shipping resumed', { node: this.o.nodeName, failedAttempts: failures });
        failures = 0;
      } catch (err) {
        if (this.stopped) break;
        if (!failures) this.o.log('log shipping failed; retrying with backoff', { node: this.o.nodeName, error: errorMessage(err) });
        failures++;
      }
      const wait = failures ? Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** (failures - 1)) : backlog ? 0 : this.interval;
      if (wait) await sleep(wait, undefined, { signal: this.wake.signal }).catch(() => {});
    }
  }

  /** One request's worth of new lines, shipped; true when more were left for the next one. */
  async shipOnce(): Promise<boolean> {
    const files = await this.scan();
    const batches: LogBatch[] = [];
    let budget = this.maxBytes;
    let backlog = false;
    const unfinished = new Set<string>();
    for (const f of files) {
      if (unfinished.has(f.container)) continue;
      if (budget <= 0) {
        backlog = true;
        break;
      }
      const offset = await this.offset(f.key);
      if (f.size <= offset) continue;
      const want = Math.min(f.size - offset, budget);
      const chunk = await readAt(f, offset, want);
      if (!chunk) continue;
      const cut = want < f.size - offset;
      const { lines, consumed } = parseCriChunk(chunk, { forceProgress: cut });
      // Lines of a container's newer file come after all of this one.
      if (cut) unfinished.add(f.container), (backlog = true);
      if (!consumed) continue;
      batches.push({ source: f.source, file: f.key, fromOffset: offset, toOffset: offset + consumed, lines });
      budget -= consumed;
    }
    if (!batches.length) return backlog;
    try {
      await this.o.client.request('/logs/v1/ingest', { method: 'POST', body: { batches } });
    } catch (err) {
      // The server may have stored the batch without answering: ask it again where each file stands.
      for (const b of batches) this.offsets.delete(b.file);
      throw err;
    }
    for (const b of batches) this.offsets.set(b.file, b.toOffset);
    return backlog;
  }

  private async offset(key: string): Promise<number> {
    let offset = this.offsets.get(key);
    if (offset === undefined) {
      offset = (await this.o.client.request<{ offset: number }>('/logs/v1/offsets', { query: { file: key } })).offset;
      this.offsets.set(key, offset);
    }
    return offset;
  }

  /** Every container log file, in shipping order; forgets files, keys and pods no longer there. */
  private async scan(): Promise<FoundFile[]> {
    const found: FoundFile[] = [];
    const uids = new Set<string>();
    for (const dir of await readdir(this.o.podLogRoot).catch(() => [] as string[])) {
      const pod = parsePodLogDirName(dir);
      if (!pod) continue;
      uids.add(pod.uid);
      const podDir = join(this.o.podLogRoot, dir);
      for (const container of await readdir(podDir).catch(() => [] as string[])) {
        const containerDir = join(podDir, container);
        const names = await readdir(containerDir).catch(() => [] as string[]);
        for (const file of containerLogFiles(names)) {
          const path = join(containerDir, file.name);
          const st = await stat(path).catch(() => undefined);
          if (!st) continue;
          const key = await this.identify(path, st.ino, `${pod.uid}/${container}/${file.attempt}`);
          if (key) found.push({ path, key, ino: st.ino, size: st.size, container: `${pod.uid}/${container}`, source: this.source(pod, container) });
        }
      }
    }
    const paths = new Set(found.map(f => f.path));
    const keys = new Set(found.map(f => f.key));
    for (const p of this.identities.keys()) if (!paths.has(p)) this.identities.delete(p);
    for (const k of this.offsets.keys()) if (!keys.has(k)) this.offsets.delete(k);
    for (const u of this.labels.keys()) if (!uids.has(u)) this.labels.delete(u);
    return found;
  }

  /** The file's store key; undefined while it holds no whole first record. */
  private async identify(path: string, ino: number, prefix: string): Promise<string | undefined> {
    const known = this.identities.get(path);
    if (known?.ino === ino) return known.key;
    const head = await readAt({ path, ino }, 0, FIRST_RECORD_PEEK);
    const space = head?.indexOf(0x20) ?? -1;
    if (!head || space <= 0) return undefined;
    const key = `${prefix}/${head.subarray(0, space).toString('latin1')}`;
    this.identities.set(path, { ino, key });
    return key;
  }

  private source(pod: PodLogDirName, container: string): LogSource {
    let labels = this.labels.get(pod.uid);
    if (!labels) {
      labels = this.o.podLabels(pod.uid);
      if (labels) this.labels.set(pod.uid, labels);
    }
    return { namespace: pod.namespace, pod: pod.pod, podUid: pod.uid, container, node: this.o.nodeName, labels: labels ?? {} };
  }
}

/**
 * Up to `length` bytes of the file at `offset`; undefined when the path no longer names the
 * file with that inode (renamed by a rotation since the scan: the next scan finds it again).
 */
async function readAt(f: { path: string; ino: number }, offset: number, length: number): Promise<Buffer | undefined> {
  const fh = await open(f.path, 'r').catch(() => undefined);
  if (!fh) return undefined;
  try {
    if ((await fh.stat()).ino !== f.ino) return undefined;
    const buf = Buffer.allocUnsafe(length);
    const { bytesRead } = await fh.read(buf, 0, length, offset);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
