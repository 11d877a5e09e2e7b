// A cgroup path (e.g. the pods' cgroup root `/kubepods`) in every hierarchy of this machine: the
// single cgroup v2 tree, or each v1 controller's (and the hybrid layout's `unified`) tree.
import { existsSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const CGROUP_FS = '/sys/fs/cgroup';

export class CgroupError extends Error {}

/** Whether this machine mounts the single cgroup v2 tree (rather than v1's per-controller trees). */
export function isCgroupV2(fsRoot = CGROUP_FS): boolean {
  return existsSync(join(fsRoot, 'cgroup.controllers'));
}

function hierarchies(fsRoot: string): string[] {
  if (isCgroupV2(fsRoot)) return [fsRoot];
  return readdirSync(fsRoot, { withFileTypes: true }).filter(e => e.isDirectory()).map(e => join(fsRoot, e.name));
}

export function cgroupExists(cgroupPath: string, fsRoot = CGROUP_FS): boolean {
  return hierarchies(fsRoot).some(h => existsSync(join(h, cgroupPath)));
}

/** The cgroup and every cgroup below it, deepest first, as paths relative to the hierarchy root. */
function treeOf(hierarchy: string, cgroupPath: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    const dir = join(hierarchy, rel);
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) walk(join(rel, e.name));
    out.push(rel);
  };
  walk(cgroupPath);
  return out;
}

function pidsIn(dir: string): number[] {
  try {
    return readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * Kills whatever still runs in the cgroup tree (containers runc no longer knows of), then removes
 * it, deepest first, from every hierarchy. Returns the cgroup paths removed (each once).
 */
export async function removeCgroupTree(cgroupPath: string, fsRoot = CGROUP_FS): Promise<string[]> {
  const removed = new Set<string>();
  for (const h of hierarchies(fsRoot)) {
    const tree = treeOf(h, cgroupPath);
    for (const rel of tree) {
      for (const pid of pidsIn(join(h, rel))) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    for (const rel of tree) {
      const dir = join(h, rel);
      // A killed process leaves its cgroup a moment after the signal.
      for (let i = 0; pidsIn(dir).length && i < 100; i++) await sleep(50);
      try {
        rmdirSync(dir);
      } catch (err) {
        throw new CgroupError(`cannot remove cgroup ${dir}: ${(err as NodeJS.ErrnoException).code ?? err}`);
      }
      removed.add(rel);
    }
  }
  return [...removed];
}
