// Rotates the logs of running containers (executor of rotation-plan.ts): every period, each running
// container whose live log reached the size limit gets its old rotated files trimmed and compressed,
// its live log renamed and the runtime asked to reopen it (CRI ReopenContainerLog).
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { RuntimeClient } from '../cri/client.js';
import type { Logger } from '../../util/log.js';
import { COMPRESS_SUFFIX, TMP_SUFFIX, needsRotation, planRotation, type RotationPolicy } from './rotation-plan.js';
import { errorMessage } from '../../util/error-message.js';

/** Upstream's defaults (KubeletConfiguration containerLogMaxSize 10Mi, containerLogMaxFiles 5). */
export const DEFAULT_ROTATION_POLICY: RotationPolicy = { maxSizeBytes: 10 * 1024 * 1024, maxFiles: 5 };

export class ContainerLogManager {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(private readonly runtime: RuntimeClient, private readonly policy: RotationPolicy, private readonly log: Logger) {}

  /** Checks every `periodMs` (upstream: 10 s); a pass still under way is not overlapped. */
  start(periodMs = 10_000): void {
    this.timer = setInterval(() => {
      this.running ??= this.rotateAll().finally(() => (this.running = undefined));
    }, periodMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass over the running containers. */
  async rotateAll(now = new Date()): Promise<void> {
    const containers = await this.runtime.listContainers({ state: { state: 'CONTAINER_RUNNING' } });
    for (const c of containers) {
      try {
        const status = await this.runtime.containerStatus(c.id);
        if (status.logPath) await this.rotateIfNeeded(c.id, status.logPath, now);
      } catch (err) {
        this.log('container log rotation failed', { container: c.id, error: errorMessage(err) });
      }
    }
  }

  private async rotateIfNeeded(id: string, live: string, now: Date): Promise<void> {
    const size = (await stat(live).catch(() => undefined))?.size;
    if (size === undefined || !needsRotation(size, this.policy)) return;
    const prefix = basename(live) + '.';
    const siblings = (await readdir(dirname(live))).filter(f => f.startsWith(prefix)).map(f => join(dirname(live), f));
    const plan = planRotation(live, siblings, this.policy, now);
    for (const f of [...plan.removeUnused, ...plan.removeExcess]) await rm(f, { force: true });
    for (const f of plan.compress) await compress(f);
    await rename(live, plan.rotateTo);
    try {
      await this.runtime.reopenContainerLog(id);
    } catch (err) {
      // The runtime still writes to the renamed file: give it its name back, as upstream does.
      await rename(plan.rotateTo, live).catch(() => {});
      throw err;
    }
  }
}

/** `<f>` → `<f>.gz` through a temporary file, so a crash never leaves a truncated `.gz`. */
async function compress(file: string): Promise<void> {
  const tmp = file + COMPRESS_SUFFIX + TMP_SUFFIX;
  await pipeline(createReadStream(file), createGzip(), createWriteStream(tmp));
  await rename(tmp, file + COMPRESS_SUFFIX);
  await rm(file, { force: true });
}
