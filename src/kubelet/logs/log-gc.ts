// Removes the container logs log-gc-plan.ts finds to be garbage: every period it scans the pod log
// directories, then reads what the runtime still holds (after the scan, so the files of a
// container created meanwhile are never taken for garbage), and removes a dead pod's directory or
// a removed container's files once the log shipper has stored them to their end or the bounded
// wait (default 1 minute) for it has passed.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RuntimeClient } from '../cri/client.js';
import * as L from '../labels.js';
import type { Logger } from '../../util/log.js';
import { containerLogFiles, parsePodLogDirName } from './pod-log-files.js';
import { attemptFiles, attemptsIn, containerKey, logGarbage, mayRemove, type FoundPodLogs, type LogGarbage } from './log-gc-plan.js';
import { errorMessage } from '../../util/error-message.js';

/** The log shipper, as log GC asks it. */
export interface ShippedLogs {
  shippedToEnd(path: string): Promise<boolean>;
}

export interface LogGcOptions {
  /** `<kubelet root>/pods`. */
  podLogRoot: string;
  runtime: Pick<RuntimeClient, 'listPodSandbox' | 'listContainers'>;
  podExists(uid: string): boolean;
  /** The shipper to wait for; undefined when logs are not shipped (removed at once). */
  shipped?: ShippedLogs;
  /** The longest wait for the shipper (default 60 s), so an unreachable server cannot fill the disk. */
  maxShippingWaitMs?: number;
  log: Logger;
}

export const DEFAULT_MAX_SHIPPING_WAIT_MS = 60_000;

export class LogGarbageCollector {
  /** Path of garbage → when it was first found garbage. */
  private readonly since = new Map<string, number>();

  constructor(private readonly o: LogGcOptions) {}

  /** One pass; returns the paths removed (pod directories, container log files). */
  async collect(now = Date.now()): Promise<string[]> {
    const found = await this.scan();
    const [sandboxes, containers] = await Promise.all([this.o.runtime.listPodSandbox(), this.o.runtime.listContainers()]);
    const garbage = logGarbage(found, {
      podExists: this.o.podExists,
      sandboxes: new Set(sandboxes.map(s => s.labels[L.POD_UID]).filter(Boolean)),
      containers: new Set(containers.map(c => containerKey(c.labels[L.POD_UID] ?? '', c.labels[L.CONTAINER_NAME] ?? c.metadata?.name ?? '', c.metadata?.attempt ?? 0))),
    });
    const removed: string[] = [];
    const seen = new Set<string>();
    const policy = { waitForShipping: !!this.o.shipped, maxWaitMs: this.o.maxShippingWaitMs ?? DEFAULT_MAX_SHIPPING_WAIT_MS };
    for (const g of garbage) {
      const { path, files, shipped } = await this.filesOf(g);
      seen.add(path);
      const since = this.since.get(path) ?? now;
      this.since.set(path, since);
      const done = await this.allShipped(shipped);
      if (!mayRemove(done, since, now, policy)) continue;
      if (policy.waitForShipping && !done) this.o.log('container logs removed before they were all shipped', { path, waitedMs: now - since });
      try {
        for (const f of files) await rm(f, { recursive: true, force: true });
        removed.push(path);
        this.since.delete(path);
      } catch (err) {
        this.o.log('container log removal failed', { path, error: errorMessage(err) });
      }
    }
    for (const p of this.since.keys()) if (!seen.has(p)) this.since.delete(p);
    return removed;
  }

  private async scan(): Promise<FoundPodLogs[]> {
    const out: FoundPodLogs[] = [];
    for (const dir of await readdir(this.o.podLogRoot).catch(() => [] as string[])) {
      const pod = parsePodLogDirName(dir);
      if (!pod) continue;
      const containers = new Map<string, number[]>();
      for (const container of await readdir(join(this.o.podLogRoot, dir)).catch(() => [] as string[])) {
        containers.set(container, attemptsIn(await readdir(join(this.o.podLogRoot, dir, container)).catch(() => [] as string[])));
      }
      out.push({ dir, uid: pod.uid, containers });
    }
    return out;
  }

  /**
   * The garbage's path, its files (a container attempt's; a pod directory goes whole) and those of
   * them the shipper reads (not the compressed ones, shipped before their compression).
   */
  private async filesOf(g: LogGarbage): Promise<{ path: string; files: string[]; shipped: string[] }> {
    const podDir = join(this.o.podLogRoot, g.dir);
    const shippedIn = (dir: string, names: string[]) => containerLogFiles(names).map(f => join(dir, f.name));
    if (g.kind === 'container') {
      const dir = join(podDir, g.container);
      const names = attemptFiles(await readdir(dir).catch(() => [] as string[]), g.attempt);
      return { path: join(dir, `${g.attempt}.log`), files: names.map(f => join(dir, f)), shipped: shippedIn(dir, names) };
    }
    const shipped: string[] = [];
    for (const container of await readdir(podDir).catch(() => [] as string[])) {
      const dir = join(podDir, container);
      shipped.push(...shippedIn(dir, await readdir(dir).catch(() => [] as string[])));
    }
    return { path: podDir, files: [podDir], shipped };
  }

  private async allShipped(files: string[]): Promise<boolean> {
    if (!this.o.shipped) return true;
    for (const f of files) if (!(await this.o.shipped.shippedToEnd(f))) return false;
    return true;
  }
}
