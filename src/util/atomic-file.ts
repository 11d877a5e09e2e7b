// Replaces a file's contents all at once: written beside it, flushed to disk, then renamed over it,
// so a crash leaves either the old contents or the new, never a torn file. For small state files
// (the CSI hostpath driver's volumes, the kubelet's CSI vol_data.json).
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export function writeFileAtomic(path: string, data: string, mode = 0o600): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', mode);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
