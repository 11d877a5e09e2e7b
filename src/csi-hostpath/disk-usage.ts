// What a volume's directory holds: bytes allocated on disk and inodes, as `du` counts them
// (hard links once), for NodeGetVolumeStats.
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface DiskUsage {
  bytes: number;
  inodes: number;
}

export function diskUsage(dir: string): DiskUsage {
  const seen = new Set<string>();
  let bytes = 0;
  let inodes = 0;
  const walk = (path: string) => {
    let st;
    try {
      st = lstatSync(path);
    } catch {
      return; // removed while walking
    }
    const key = `${st.dev}:${st.ino}`;
    if (seen.has(key)) return;
    seen.add(key);
    bytes += st.blocks * 512;
    inodes++;
    if (st.isDirectory()) {
      let names: string[] = [];
      try { names = readdirSync(path); } catch { /* unreadable: counted as itself */ }
      for (const name of names) walk(join(path, name));
    }
  };
  walk(dir);
  return { bytes, inodes };
}
