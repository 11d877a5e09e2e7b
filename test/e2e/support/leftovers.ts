// What a runtime test may leave behind, and removing the cgroup directories a test created.
import { existsSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';

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

/** The cgroup (v1: in every controller) at `cgroupPath`, e.g. a test's cgroup_parent. */
export function cgroupExists(cgroupPath: string): boolean {
  return readdirSync(CGROUP_ROOT).some(controller => existsSync(join(CGROUP_ROOT, controller, cgroupPath)));
}

/** Removes an (empty) cgroup directory from every controller; runc removes the containers' own. */
export function removeCgroup(cgroupPath: string): void {
  for (const controller of readdirSync(CGROUP_ROOT)) {
    const dir = join(CGROUP_ROOT, controller, cgroupPath);
    if (existsSync(dir)) rmdirSync(dir);
  }
}

/** Removes a cgroup and every cgroup below it (deepest first) from every controller. */
export function removeCgroupTree(cgroupPath: string): void {
  for (const controller of readdirSync(CGROUP_ROOT)) {
    const removeDir = (dir: string): void => {
      if (!existsSync(dir)) return;
      for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) removeDir(join(dir, entry.name));
      rmdirSync(dir);
    };
    removeDir(join(CGROUP_ROOT, controller, cgroupPath));
  }
}
