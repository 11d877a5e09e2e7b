// Bind mounts, the one kind of mount a hostpath driver makes: the volume's directory onto the
// staging path (NodeStageVolume), the staging path onto the pod's target path (NodePublishVolume),
// read-only by a second, remounting bind (the kernel ignores `ro` on the first).
import { runCommand } from '../util/command.js';
import { isMountPoint } from '../util/mountinfo.js';

export class MountError extends Error {}

async function mount(args: string[]): Promise<void> {
  const r = await runCommand('mount', args);
  if (r.code !== 0) throw new MountError(`mount ${args.join(' ')} failed: ${r.stderr.trim() || `exit ${r.code}`}`);
}

export async function bindMount(source: string, target: string, readOnly: boolean): Promise<void> {
  await mount(['--bind', source, target]);
  if (readOnly) {
    try {
      await mount(['-o', 'remount,bind,ro', target]);
    } catch (err) {
      // Never leave a writable mount where a read-only one was asked for.
      await unmount(target);
      throw err;
    }
  }
}

/** Unmounts `target` if it is a mount point; true when something was unmounted. */
export async function unmount(target: string): Promise<boolean> {
  if (!isMountPoint(target)) return false;
  const r = await runCommand('umount', [target]);
  if (r.code !== 0) throw new MountError(`umount ${target} failed: ${r.stderr.trim() || `exit ${r.code}`}`);
  return true;
}
