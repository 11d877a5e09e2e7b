// The kubelet root as a shared mount, so that mounts a container makes under it with Bidirectional
// propagation (a CSI driver publishing a volume into another pod's directory) reach the host, and
// HostToContainer mounts see the host's. containerd refuses those propagations on a private mount.
// Upstream's kubelet makes its root rshared at start; k8ts does it the first time a container asks
// for propagation, so nodes that never need it keep their data dir a plain directory. The root is
// bind-mounted onto itself recursively (keeping what is already mounted below it) and made rshared.
import { mkdirSync } from 'node:fs';
import { runCommand } from '../../util/command.js';
import { mountOf } from '../../util/mountinfo.js';

export class SharedMountError extends Error {}

const pending = new Map<string, Promise<void>>();

function isShared(dir: string): boolean {
  return !!mountOf(dir)?.optionalFields.some(f => f.startsWith('shared:'));
}

async function mount(args: string[]): Promise<void> {
  const r = await runCommand('mount', args);
  if (r.code !== 0) throw new SharedMountError(`mount ${args.join(' ')} failed: ${r.stderr.trim() || `exit ${r.code}`}`);
}

/** Makes `dir` (the kubelet root) a shared mount point, once. */
export function ensureSharedMount(dir: string): Promise<void> {
  let p = pending.get(dir);
  if (!p) {
    p = (async () => {
      mkdirSync(dir, { recursive: true });
      if (isShared(dir)) return;
      if (mountOf(dir)?.mountPoint !== dir) await mount(['--rbind', dir, dir]);
      await mount(['--make-rshared', dir]);
    })();
    pending.set(dir, p);
    p.catch(() => pending.delete(dir));
  }
  return p;
}
