// A container's termination message, as upstream: the kubelet mounts a fresh file of the pod's
// directory at terminationMessagePath; after the container exits, what it wrote there (at most
// 4 KiB) is the terminated state's message. With FallbackToLogsOnError, a failed container that
// wrote nothing gets the tail of its log instead (the last 80 lines, at most 2 KiB).
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerStatus } from './cri/types.js';
import * as L from './labels.js';
import { readContainerLog } from './server/log-reader.js';
import { podDir } from './volumes/pod-volumes.js';

const MAX_MESSAGE_BYTES = 4096;
const FALLBACK_LINES = 80;
const FALLBACK_BYTES = 2048;

/** Creates the file to mount at the container's terminationMessagePath. */
export function newTerminationMessageFile(root: string, uid: string, containerName: string): string {
  const dir = join(podDir(root, uid), 'containers', containerName);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, randomBytes(4).toString('hex'));
  closeSync(openSync(file, 'w', 0o666));
  return file;
}

export async function terminationMessage(st: ContainerStatus): Promise<string> {
  const path = st.annotations[L.TERMINATION_MESSAGE_PATH];
  const mount = path ? st.mounts.find(m => m.containerPath === path) : undefined;
  let message = mount ? readHead(mount.hostPath, MAX_MESSAGE_BYTES) : '';
  if (!message && st.exitCode !== 0 && st.annotations[L.TERMINATION_MESSAGE_POLICY] === 'FallbackToLogsOnError' && st.logPath) {
    const chunks: Buffer[] = [];
    try {
      await readContainerLog(st.logPath, { tailLines: FALLBACK_LINES, timestamps: false, follow: false }, { write: async c => void chunks.push(c) });
    } catch {
      return '';
    }
    const all = Buffer.concat(chunks);
    message = all.subarray(Math.max(0, all.length - FALLBACK_BYTES)).toString('utf8');
  }
  return message;
}

function readHead(file: string, max: number): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(max);
    const n = readSync(fd, buf, 0, max, 0);
    return buf.subarray(0, n).toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
