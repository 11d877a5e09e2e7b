// What a runtime test may leave behind, and removing the cgroup directories a test created.
import { existsSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { cgroupExists } from '../../../src/util/cgroups.js';

export { cgroupExists, removeCgroupTree } from '../../../src/util/cgroups.js';

const CGROUP_ROOT = '/sys/fs/cgroup';

/** Processes whose command line names `path` (e.g. a shim's `-address <dir>/containerd.sock`). */
export function processesMentioning(path: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(path)) found.push(`${entry}: ${cmdline}`);
    } catch {
      // exited while we looked
    }
  }
  return found;
}

/**
 * containerd's cgroup for sandboxes and containers created without a cgroup_parent ("/" + its CRI
 * namespace): runc removes each container's cgroup below it, never this parent. Runtime tests give
 * every sandbox a cgroup parent of their own, which they remove, so none of them may create it.
 */
const RUNTIME_DEFAULT_CGROUP = '/k8s.io';

/**
 * Notes whether containerd's default cgroup exists now; `createdSince()` then tells whether it
 * appeared afterwards (only judged when it was absent at first: another runtime may own it).
 */
export function watchRuntimeDefaultCgroup(): { createdSince(): boolean } {
  const existed = cgroupExists(RUNTIME_DEFAULT_CGROUP);
  return { createdSince: () => !existed && cgroupExists(RUNTIME_DEFAULT_CGROUP) };
}

/** Removes an (empty) cgroup directory from every controller; runc removes the containers' own. */
export function removeCgroup(cgroupPath: string): void {
  for (const controller of readdirSync(CGROUP_ROOT)) {
    const dir = join(CGROUP_ROOT, controller, cgroupPath);
    if (existsSync(dir)) rmdirSync(dir);
  }
}
