// This process's mount table, from /proc/self/mountinfo: which paths are mount points and how each
// propagates (shared, slave, private), for code that mounts and unmounts (the kubelet's volumes,
// teardown, the CSI hostpath driver).
import { readFileSync } from 'node:fs';

export interface MountInfo {
  /** Where it is mounted. */
  mountPoint: string;
  /** The path within its filesystem that is mounted there (`/` for a whole filesystem; a subdirectory for a bind mount). */
  root: string;
  /** Per-mount options (`rw`, `ro`, `nosuid`, ...). */
  options: string[];
  /** Propagation: `shared:N`, `master:N`, ... (empty for a private mount). */
  optionalFields: string[];
  fsType: string;
  source: string;
}

// Mountinfo escapes space, tab, newline and backslash as octal.
function unescape(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Parses mountinfo text (`36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw`). */
export function parseMountInfo(text: string): MountInfo[] {
  const mounts: MountInfo[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const fields = line.split(' ');
    const sep = fields.indexOf('-', 6);
    if (sep < 0) continue;
    mounts.push({
      root: unescape(fields[3]), mountPoint: unescape(fields[4]), options: fields[5].split(','),
      optionalFields: fields.slice(6, sep), fsType: fields[sep + 1], source: unescape(fields[sep + 2] ?? ''),
    });
  }
  return mounts;
}

export function readMountInfo(): MountInfo[] {
  return parseMountInfo(readFileSync('/proc/self/mountinfo', 'utf8'));
}

/** Mount points at or below `dir`, deepest first. */
export function mountsUnder(dir: string): string[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const points = readMountInfo().map(m => m.mountPoint).filter(point => point === dir || point.startsWith(prefix));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

export function isMountPoint(path: string): boolean {
  return readMountInfo().some(m => m.mountPoint === path);
}

/** The mount `path` lives on: the one with the longest mount point that contains it (the last such, when stacked). */
export function mountOf(path: string, mounts: MountInfo[] = readMountInfo()): MountInfo | undefined {
  let best: MountInfo | undefined;
  for (const m of mounts) {
    const within = m.mountPoint === '/' || path === m.mountPoint || path.startsWith(`${m.mountPoint}/`);
    if (within && (!best || m.mountPoint.length >= best.mountPoint.length)) best = m;
  }
  return best;
}
