// A local image registry for tests: Debian's docker-registry (distribution) serving plain HTTP on a
// given address, optionally inside a test network namespace, with its storage in a temp dir.
// containerd's registry mirror for `k8ts.local` points at it, so pods pull k8ts images by name.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BuiltinImage } from '../../../src/kubelet/images/builtin.js';
import type { ImageCacheOptions } from '../../../src/kubelet/images/build.js';
import { pushImage } from '../../../src/kubelet/images/load.js';
import { Daemon } from '../../../src/util/daemon.js';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

export class RegistryStartError extends Error {}

export interface RegistryOptions {
  /** host:port to listen on, e.g. 127.0.0.1:5000 (inside `netns` when given). */
  address: string;
  netns?: string;
  startTimeoutMs?: number;
}

export class TestRegistry {
  private constructor(private readonly daemon: Daemon, readonly address: string, readonly dir: string, readonly netns: string | undefined) {}

  static async start(opts: RegistryOptions): Promise<TestRegistry> {
    const dir = mkdtempSync(join(tmpdir(), 'k8ts-registry-'));
    const config = join(dir, 'config.yml');
    writeFileSync(config, [
      'version: 0.1',
      'log:',
      '  level: warn',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${JSON.stringify(join(dir, 'data'))}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: ${JSON.stringify(opts.address)}`,
      '',
    ].join('\n'));
    const daemon = Daemon.start({ command: REGISTRY_BINARY, args: ['serve', config], logFile: join(dir, 'registry.log'), netns: opts.netns });
    const registry = new TestRegistry(daemon, opts.address, dir, opts.netns);
    try {
      await registry.waitListening(opts.startTimeoutMs ?? 20_000);
    } catch (err) {
      await registry.stop();
      throw err;
    }
    return registry;
  }

  get pid(): number {
    return this.daemon.pid;
  }

  /** Pushes builtin images (built offline, cached) into the registry; returns the pushed references. */
  async push(images: readonly BuiltinImage[], opts: ImageCacheOptions = {}): Promise<string[]> {
    const pushed: string[] = [];
    for (const image of images) pushed.push(await pushImage(image, this.address, { ...opts, netns: this.netns }));
    return pushed;
  }

  /** Stops the registry by PID and removes its storage. */
  async stop(): Promise<void> {
    await this.daemon.stop(5_000);
    rmSync(this.dir, { recursive: true, force: true });
  }

  // Readiness without sending traffic: the registry's own network namespace, seen through
  // /proc/PID/net/tcp, shows a listening socket on our port.
  private async waitListening(timeoutMs: number): Promise<void> {
    const port = Number(this.address.slice(this.address.lastIndexOf(':') + 1));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.daemon.running) throw new RegistryStartError(`docker-registry exited with ${await this.daemon.exited}:\n${this.daemon.logTail()}`);
      if (listensOn(this.daemon.pid, port)) return;
      if (Date.now() > deadline) throw new RegistryStartError(`docker-registry did not listen on ${this.address} within ${timeoutMs} ms:\n${this.daemon.logTail()}`);
      await sleep(50);
    }
  }
}

const TCP_LISTEN = '0A';

function listensOn(pid: number, port: number): boolean {
  for (const table of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === TCP_LISTEN && local && parseInt(local.split(':')[1], 16) === port) return true;
    }
  }
  return false;
}
