// Leaves nothing of a containerd instance behind. Two levels:
//  - removeAllPodSandboxes: the orderly way, through CRI while containerd runs, so CNI releases
//    pod IPs and port mappings;
//  - cleanupContainerd: after containerd has stopped (or crashed), have runc delete every container
//    still in this instance's runc state (kills its processes, removes its cgroups), kill the
//    shims it started and anything left under them, and unmount what is still mounted under its
//    directory.
// Processes are found by their command line naming this instance's socket, never by name alone,
// so other nodes' containerds on the same machine are untouched.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RuntimeClient } from '../cri/client.js';
import { mountsUnder } from '../../util/mountinfo.js';
import type { ContainerdPaths } from './config.js';

/** Stops and removes every pod sandbox (and with it every container) the runtime has. */
export async function removeAllPodSandboxes(runtime: RuntimeClient): Promise<number> {
  const sandboxes = await runtime.listPodSandbox();
  for (const sandbox of sandboxes) {
    await runtime.stopPodSandbox(sandbox.id);
    await runtime.removePodSandbox(sandbox.id);
  }
  return sandboxes.length;
}

export interface ContainerdCleanupResult {
  /** Containers runc had to delete. */
  deletedContainers: string[];
  /** Shims and the processes under them that had to be killed. */
  killedPids: number[];
  unmounted: string[];
  /** libcni's cached results of sandboxes that never got a CNI DEL. */
  removedCniResults: string[];
}

export class ContainerdCleanupError extends Error {}

/**
 * Kills the shims started by the containerd at `paths` (and their containers), unmounts what is left
 * under `paths.dir`, and with `removeDir` deletes the directory. Call after containerd has stopped.
 */
export async function cleanupContainerd(paths: ContainerdPaths, opts: { removeDir?: boolean } = {}): Promise<ContainerdCleanupResult> {
  const deletedContainers = deleteRuncContainers(paths.runcRoot);
  const killedPids = await killShims(paths.socket);
  const unmounted = unmountUnder(paths.dir);
  const removedCniResults = removeCniResults(paths.root);
  if (opts.removeDir) rmSync(paths.dir, { recursive: true, force: true });
  return { deletedContainers, killedPids, unmounted, removedCniResults };
}

/** Where libcni (inside containerd's CRI plugin) caches each attachment; not configurable in 1.6. */
export const CNI_RESULTS_DIR = '/var/lib/cni/results';

/**
 * A sandbox whose network was never torn down (its containerd stopped, its shim killed) leaves
 * `<network>-<sandbox id>-<ifname>` files in the machine-wide CNI cache; remove this instance's.
 */
function removeCniResults(root: string): string[] {
  const sandboxes = join(root, 'io.containerd.grpc.v1.cri', 'sandboxes');
  const ids = new Set(existsSync(sandboxes) ? readdirSync(sandboxes) : []);
  if (ids.size === 0 || !existsSync(CNI_RESULTS_DIR)) return [];
  const removed: string[] = [];
  for (const file of readdirSync(CNI_RESULTS_DIR)) {
    const id = /-([0-9a-f]{64})-[^-]+$/.exec(file)?.[1];
    if (!id || !ids.has(id)) continue;
    rmSync(join(CNI_RESULTS_DIR, file), { force: true });
    removed.push(file);
  }
  return removed;
}

function deleteRuncContainers(root: string): string[] {
  const deleted: string[] = [];
  for (const namespace of listDir(root)) {
    for (const id of listDir(join(root, namespace))) {
      try {
        execFileSync('runc', ['--root', join(root, namespace), 'delete', '--force', id], { stdio: 'pipe' });
      } catch (err) {
        throw new ContainerdCleanupError(`runc delete --force ${id}: ${(err as { stderr?: Buffer }).stderr ?? err}`);
      }
      deleted.push(id);
    }
  }
  return deleted;
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

interface ProcInfo {
  pid: number;
  ppid: number;
  argv: string[];
  zombie: boolean;
}

function readProcesses(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid ..." — comm may hold spaces and parentheses, so split after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
      out.push({ pid: Number(entry), ppid: Number(fields[1]), argv, zombie: fields[0] === 'Z' });
    } catch {
      // exited while we looked
    }
  }
  return out;
}

/** A shim of this containerd: `containerd-shim-runc-v2 ... -address <socket> ...`. */
function isShimOf(proc: ProcInfo, socket: string): boolean {
  if (!basename(proc.argv[0] ?? '').startsWith('containerd-shim')) return false;
  const i = proc.argv.indexOf('-address');
  return i >= 0 && proc.argv[i + 1] === socket;
}

async function killShims(socket: string): Promise<number[]> {
  const procs = readProcesses();
  const children = new Map<number, number[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const victims: number[] = [];
  const collect = (pid: number): void => {
    for (const child of children.get(pid) ?? []) collect(child);
    victims.push(pid); // descendants first, so a shim cannot restart anything
  };
  for (const p of procs) if (isShimOf(p, socket)) collect(p.pid);
  for (const pid of victims) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await waitGone(victims, 10_000);
  return victims;
}

async function waitGone(pids: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = new Set(readProcesses().filter(p => !p.zombie).map(p => p.pid));
    const left = pids.filter(pid => alive.has(pid));
    if (left.length === 0) return;
    if (Date.now() > deadline) throw new ContainerdCleanupError(`processes did not exit after SIGKILL: ${left.join(', ')}`);
    await sleep(50);
  }
}

/** Unmounts everything at or below `dir` (deepest first); returns the mount points removed. */
export function unmountUnder(dir: string): string[] {
  const unmounted: string[] = [];
  // A mount point can be stacked several times; go until nothing is left or nothing moves.
  for (let round = 0; round < 10; round++) {
    const points = mountsUnder(dir);
    if (points.length === 0) return unmounted;
    for (const point of points) {
      try {
        execFileSync('umount', [point], { stdio: 'pipe' });
      } catch {
        try {
          execFileSync('umount', ['--lazy', point], { stdio: 'pipe' });
        } catch (err) {
          throw new ContainerdCleanupError(`cannot unmount ${point}: ${(err as { stderr?: Buffer }).stderr ?? err}`);
        }
      }
      unmounted.push(point);
    }
  }
  throw new ContainerdCleanupError(`mounts left under ${dir}: ${mountsUnder(dir).join(', ')}`);
}
