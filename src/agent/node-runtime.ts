// The agent's container runtime: its own containerd (config, root and state under the agent's data
// dir, like k3s) or an existing one given by --container-runtime-endpoint. Our own containerd is
// supervised — restarted if it dies — and its PID is kept in a file so that, after the agent itself
// was killed, the next start stops the orphaned containerd before starting a fresh one. Containers
// live on in their shims across all of this, so pods survive agent and containerd restarts.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { containerdPaths } from '../kubelet/containerd/config.js';
import { ContainerdProcess } from '../kubelet/containerd/process.js';
import { ImageClient, RuntimeClient, type CriClientOptions } from '../kubelet/cri/client.js';
import type { Logger } from '../util/log.js';

export interface NodeRuntimeOptions {
  /** An existing CRI socket (unix:///...); when absent the agent runs its own containerd. */
  endpoint?: string;
  /** Our containerd's directory. */
  containerdDir: string;
  cniConfDir: string;
  registryMirrors?: Record<string, string>;
  sandboxImage?: string;
  /** Options of both CRI clients (the kubelet's runtime operation series observe their calls). */
  cri?: CriClientOptions;
  log: Logger;
}

export class NodeRuntime {
  private containerd?: ContainerdProcess;
  private stopping = false;

  private constructor(
    private readonly o: NodeRuntimeOptions,
    readonly endpoint: string,
    readonly runtime: RuntimeClient,
    readonly images: ImageClient,
  ) {}

  static async start(o: NodeRuntimeOptions): Promise<NodeRuntime> {
    if (o.endpoint) return new NodeRuntime(o, o.endpoint, new RuntimeClient(o.endpoint, o.cri), new ImageClient(o.endpoint, o.cri));
    const containerd = await startContainerd(o);
    const rt = new NodeRuntime(o, containerd.endpoint, new RuntimeClient(containerd.endpoint, o.cri), new ImageClient(containerd.endpoint, o.cri));
    rt.supervise(containerd);
    return rt;
  }

  get containerdPid(): number | undefined {
    return this.containerd?.pid;
  }

  /** Stops our containerd (containers keep running in their shims); closes the CRI clients. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.runtime.close();
    this.images.close();
    await this.containerd?.stop();
    rmSync(pidFile(this.o.containerdDir), { force: true });
  }

  private supervise(containerd: ContainerdProcess): void {
    this.containerd = containerd;
    void containerd.exited.then(async how => {
      if (this.stopping) return;
      this.o.log('containerd exited; restarting it', { exit: how });
      for (;;) {
        await sleep(1000);
        if (this.stopping) return;
        try {
          this.supervise(await startContainerd(this.o));
          return;
        } catch (err) {
          this.o.log('containerd restart failed', { error: String(err) });
        }
      }
    });
  }
}

const pidFile = (dir: string) => join(dir, 'containerd.pid');

async function startContainerd(o: NodeRuntimeOptions): Promise<ContainerdProcess> {
  const orphan = await stopOrphanContainerd(o.containerdDir);
  if (orphan) o.log('stopped containerd left by an earlier run', { pid: orphan });
  const containerd = await ContainerdProcess.start({ dir: o.containerdDir, cniConfDir: o.cniConfDir, registryMirrors: o.registryMirrors, sandboxImage: o.sandboxImage });
  writeFileSync(pidFile(o.containerdDir), `${containerd.pid}\n`);
  o.log('containerd running', { pid: containerd.pid, endpoint: containerd.endpoint });
  return containerd;
}

/**
 * A containerd left by an earlier agent run (or by a killed one, for `k8ts killall`) holds our socket
 * and database; stop it by its PID, checked against its command line. Returns the PID it stopped.
 */
export async function stopOrphanContainerd(dir: string): Promise<number | undefined> {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile(dir), 'utf8').trim());
  } catch {
    return undefined;
  }
  const isOurs = () => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(containerdPaths(dir).config);
    } catch {
      return false;
    }
  };
  if (!pid || !isOurs()) return undefined;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && isOurs(); i++) await sleep(100);
  if (isOurs()) process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 50 && isOurs(); i++) await sleep(100);
  rmSync(pidFile(dir), { force: true });
  return pid;
}
