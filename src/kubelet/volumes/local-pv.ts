// The PV plugins for volumes that already are a path on this node: `spec.local` (upstream's
// kubernetes.io/local-volume; the local-path provisioner's PVs too) and `spec.hostPath`
// (kubernetes.io/host-path). Nothing is mounted: the runtime bind-mounts the path itself into the
// containers, which is what upstream's bind mount into the pod directory amounts to, and nothing
// then has to be unmounted when the kubelet restarts or the pod goes.
import { existsSync, statSync } from 'node:fs';
import type { PersistentVolume } from '../../api/types/generated.js';
import { checkHostPath } from './host-path.js';
import { VolumeSetupError } from './projections.js';
import type { MountedVolume, PersistentVolumeMount, PersistentVolumePlugin, PersistentVolumeTearDown } from './pv-plugin.js';

abstract class PathVolumePlugin implements PersistentVolumePlugin {
  abstract readonly name: string;
  abstract canSupport(pv: PersistentVolume): boolean;
  protected abstract path(pv: PersistentVolume): string;

  uniqueName(pv: PersistentVolume): string {
    return `${this.name}/${pv.metadata?.name ?? ''}`;
  }

  abstract appliesFsGroup(m: PersistentVolumeMount): boolean;

  async setUp(m: PersistentVolumeMount): Promise<MountedVolume> {
    const path = this.path(m.pv);
    const block = m.pv.spec?.volumeMode === 'Block';
    const st = existsSync(path) ? statSync(path) : undefined;
    if (!st) throw new VolumeSetupError(`path "${path}" does not exist`);
    if (block && !st.isBlockDevice()) throw new VolumeSetupError(`${path} is not a block device`);
    if (!block && !st.isDirectory() && !st.isFile()) throw new VolumeSetupError(`path "${path}" is neither a directory nor a file`);
    return { path, block };
  }

  /** Nothing was mounted and the data stays where it is: the pod directory's removal is all. */
  async tearDown(_t: PersistentVolumeTearDown): Promise<void> {}
}

export class LocalVolumePlugin extends PathVolumePlugin {
  readonly name = 'kubernetes.io/local-volume';
  canSupport(pv: PersistentVolume): boolean { return !!pv.spec?.local; }
  appliesFsGroup(m: PersistentVolumeMount): boolean { return m.pv.spec?.volumeMode !== 'Block'; }
  protected path(pv: PersistentVolume): string { return pv.spec!.local!.path; }
}

export class HostPathVolumePlugin extends PathVolumePlugin {
  readonly name = 'kubernetes.io/host-path';
  canSupport(pv: PersistentVolume): boolean { return !!pv.spec?.hostPath; }
  /** Upstream leaves a hostPath's ownership alone: it belongs to the node. */
  appliesFsGroup(): boolean { return false; }
  protected path(pv: PersistentVolume): string {
    const h = pv.spec!.hostPath!;
    return checkHostPath(h.path, h.type ?? '');
  }
}
