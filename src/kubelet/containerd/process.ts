// Runs a private containerd for one node: writes its config under a directory, starts it
// (optionally inside the node's network namespace), waits until its CRI socket answers Version,
// and stops it by PID. Containers keep running in their shims when containerd stops, as upstream;
// cleanupContainerd (cleanup.ts) removes them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Daemon } from '../../util/daemon.js';
import { RuntimeClient } from '../cri/client.js';
import { containerdPaths, renderContainerdConfig, type ContainerdConfigOptions, type ContainerdPaths } from './config.js';

const MAX_UNIX_SOCKET_PATH = 107;

export class ContainerdStartError extends Error {
  constructor(message: string, readonly log = '') {
    super(log ? `${message}\n--- containerd log ---\n${log}` : message);
    this.name = 'ContainerdStartError';
  }
}

export interface ContainerdStartOptions extends Omit<ContainerdConfigOptions, 'paths'> {
  /** Directory for config, root, state, socket and log. */
  dir: string;
  /** Network namespace (name under /var/run/netns) to run containerd and its pods in. */
  netns?: string;
  /** containerd binary. */
  binary?: string;
  startTimeoutMs?: number;
}

export class ContainerdProcess {
  private constructor(private readonly daemon: Daemon, readonly paths: ContainerdPaths) {}

  static async start(opts: ContainerdStartOptions): Promise<ContainerdProcess> {
    const paths = containerdPaths(opts.dir);
    // containerd also listens on "<socket>.ttrpc"; a unix socket path holds at most 107 bytes.
    if (Buffer.byteLength(`${paths.socket}.ttrpc`) > MAX_UNIX_SOCKET_PATH) {
      throw new ContainerdStartError(`directory ${opts.dir} is too deep for containerd's sockets (${paths.socket}.ttrpc is over ${MAX_UNIX_SOCKET_PATH} bytes)`);
    }
    mkdirSync(paths.dir, { recursive: true });
    mkdirSync(opts.cniConfDir, { recursive: true });
    writeFileSync(paths.config, renderContainerdConfig({ ...opts, paths }));
    const daemon = Daemon.start({ command: opts.binary ?? 'containerd', args: ['--config', paths.config], logFile: paths.log, netns: opts.netns });
    const proc = new ContainerdProcess(daemon, paths);
    try {
      await proc.waitReady(opts.startTimeoutMs ?? 30_000);
    } catch (err) {
      await daemon.stop(2_000);
      throw err;
    }
    return proc;
  }

  get pid(): number {
    return this.daemon.pid;
  }

  /** The CRI endpoint, as RuntimeClient/ImageClient take it. */
  get endpoint(): string {
    return `unix://${this.paths.socket}`;
  }

  get running(): boolean {
    return this.daemon.running;
  }

  /** Resolves with the exit code or signal when containerd exits. */
  get exited(): Promise<number | string> {
    return this.daemon.exited;
  }

  /** SIGTERM, then SIGKILL after `graceMs`. Leaves containers and their shims running. */
  stop(graceMs = 10_000): Promise<void> {
    return this.daemon.stop(graceMs);
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    const client = new RuntimeClient(this.paths.socket);
    const deadline = Date.now() + timeoutMs;
    try {
      for (;;) {
        if (!this.daemon.running) throw new ContainerdStartError(`containerd exited with ${await this.daemon.exited}`, this.daemon.logTail());
        try {
          await client.version(1_000);
          return;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) throw new ContainerdStartError(`containerd did not answer on ${this.paths.socket} within ${timeoutMs} ms`, this.daemon.logTail());
        await sleep(100);
      }
    } finally {
      client.close();
    }
  }
}
