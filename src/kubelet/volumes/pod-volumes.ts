// A pod's volumes on the node, under `<root>/pods/<uid>/volumes/<plugin>/<name>` as upstream lays
// them out: emptyDir (a directory, or a tmpfs mount for medium Memory), hostPath (checked or created
// by type), API-data volumes written atomically, and PV-backed volumes (persistentVolumeClaim,
// ephemeral) through the PV plugins of pv-plugin.ts. Also the kubelet-managed /etc/hosts. Teardown
// lets each PV plugin tear down its volumes, unmounts what is still mounted, then removes the pod's
// directory.
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, sep } from 'node:path';
import { expand, type Lookup } from '../expand.js';
import { promisify } from 'node:util';
import { milliValue, parseQuantity } from '../../api/quantity.js';
import type { Container, PersistentVolume, Volume } from '../../api/types/generated.js';
import type { PodObject } from '../types.js';
import { isMountPoint, mountsUnder } from '../../util/mountinfo.js';
import { volumeClaimName } from '../../api/pod-references.js';
import { writeAtomically } from './atomic-writer.js';
import { checkHostPath } from './host-path.js';
import { setVolumeOwnership } from './ownership.js';
import {
  isInlineVolumePlugin, pluginDir, resolvePersistentVolume, UnprocessedVolumeError,
  type ClaimSource, type InlineVolumeMount, type InlineVolumePlugin, type MountedVolume, type PersistentVolumeMount, type PersistentVolumePlugin,
} from './pv-plugin.js';
import { volumeFiles, VolumeSetupError, type ProjectionContext } from './projections.js';
import { errorMessage } from '../../util/error-message.js';

const run = promisify(execFile);

export interface HostMount {
  containerPath: string;
  hostPath: string;
  readonly: boolean;
  /** The volumeMount's mountPropagation: None (default), HostToContainer or Bidirectional. */
  propagation?: string;
}

export interface HostDevice {
  containerPath: string;
  hostPath: string;
  /** cgroup device permissions: `mrw`, or `r` for a read-only volume. */
  permissions: string;
}

/** A set-up volume: where it is on the host, whether containers must mount it read-only, and whether it is a block device. */
export interface PodVolume {
  path: string;
  readOnly: boolean;
  block: boolean;
}

const PLUGIN_DIR: Record<string, string> = {
  emptyDir: 'kubernetes.io~empty-dir', configMap: 'kubernetes.io~configmap', secret: 'kubernetes.io~secret',
  downwardAPI: 'kubernetes.io~downward-api', projected: 'kubernetes.io~projected',
};

export function podDir(root: string, uid: string): string {
  return join(root, 'pods', uid);
}

export class PodVolumes {
  /** pod uid → its PV-backed volumes' unique names (Node status.volumesInUse). */
  private readonly inUse = new Map<string, Set<string>>();
  /** `<uid>/<volume>` whose fsGroup ownership is done for this kubelet run (upstream does it at mount). */
  private readonly owned = new Set<string>();

  constructor(private readonly root: string, private readonly claims: ClaimSource, private readonly plugins: PersistentVolumePlugin[]) {}

  /** Sets up every volume; returns each by name. Idempotent (runs every sync). */
  async setUp(ctx: ProjectionContext): Promise<Map<string, PodVolume>> {
    const pod = ctx.pod;
    const base = join(podDir(this.root, pod.metadata.uid!), 'volumes');
    const volumes = new Map<string, PodVolume>();
    for (const v of pod.spec.volumes ?? []) {
      try {
        const inline = this.plugins.filter(isInlineVolumePlugin).find(p => p.canSupportInline(v));
        volumes.set(v.name, volumeClaimName(pod, v) !== undefined ? await this.setUpPersistent(v, base, pod)
          : inline ? await this.setUpInline(inline, v, base, pod)
          : { path: await this.setUpOne(v, base, ctx), readOnly: isApiData(v), block: false });
      } catch (err) {
        const msg = errorMessage(err);
        if (err instanceof UnprocessedVolumeError) {
          throw new VolumeSetupError(`Unable to attach or mount volumes: unmounted volumes=[${v.name}], unattached volumes=[], failed to process volumes=[${v.name}]: ${msg}`);
        }
        throw new VolumeSetupError(`MountVolume.SetUp failed for volume "${v.name}" : ${msg}`);
      }
    }
    return volumes;
  }

  /** The unique names of the PV-backed volumes of the pods set up here, sorted. */
  volumesInUse(): string[] {
    return [...new Set([...this.inUse.values()].flatMap(s => [...s]))].sort();
  }

  private async setUpPersistent(v: Volume, base: string, pod: PodObject): Promise<PodVolume> {
    const { claim, pv } = await resolvePersistentVolume(pod, v, this.claims);
    const plugin = this.plugins.find(p => p.canSupport(pv));
    if (!plugin) throw new VolumeSetupError(`no volume plugin matched PV ${pv.metadata?.name}`);
    const uid = pod.metadata.uid!;
    const readOnly = !!v.persistentVolumeClaim?.readOnly || persistentSourceReadOnly(pv);
    const dirName = pluginDir(plugin.name);
    const m: PersistentVolumeMount = { pod, volume: v, claim, pv, readOnly, dir: join(base, dirName, pv.metadata!.name!), globalDir: join(this.root, 'plugins', dirName) };
    const set = this.inUse.get(uid) ?? new Set();
    this.inUse.set(uid, set.add(plugin.uniqueName(pv)));
    const mounted = await plugin.setUp(m);
    this.applyFsGroup(pod, v, mounted, readOnly, () => plugin.appliesFsGroup(m));
    return { path: mounted.path, readOnly, block: mounted.block };
  }

  /** A volume declared in the pod spec and served by a PV plugin (a CSI inline ephemeral volume). */
  private async setUpInline(plugin: InlineVolumePlugin, v: Volume, base: string, pod: PodObject): Promise<PodVolume> {
    const dirName = pluginDir(plugin.name);
    const m: InlineVolumeMount = { pod, volume: v, dir: join(base, dirName, v.name), globalDir: join(this.root, 'plugins', dirName) };
    const readOnly = !!v.csi?.readOnly;
    const mounted = await plugin.setUpInline(m);
    this.applyFsGroup(pod, v, mounted, readOnly, () => plugin.appliesFsGroupInline(m));
    return { path: mounted.path, readOnly, block: mounted.block };
  }

  /** The pod's fsGroup on a freshly mounted volume, once per kubelet run (upstream does it at mount). */
  private applyFsGroup(pod: PodObject, v: Volume, mounted: MountedVolume, readOnly: boolean, applies: () => boolean): void {
    const fsGroup = pod.spec.securityContext?.fsGroup;
    const key = `${pod.metadata.uid}/${v.name}`;
    if (fsGroup !== undefined && !mounted.block && !this.owned.has(key) && applies()) {
      setVolumeOwnership(mounted.path, fsGroup, readOnly, pod.spec.securityContext?.fsGroupChangePolicy);
      this.owned.add(key);
    }
  }

  private async setUpOne(v: Volume, base: string, ctx: ProjectionContext): Promise<string> {
    if (v.hostPath) return checkHostPath(v.hostPath.path, v.hostPath.type ?? '');
    const kind = Object.keys(PLUGIN_DIR).find(k => (v as unknown as Record<string, unknown>)[k] !== undefined);
    if (!kind) throw new VolumeSetupError('volume type not supported on this node');
    const dir = join(base, PLUGIN_DIR[kind], v.name);
    mkdirSync(dir, { recursive: true });
    const fsGroup = ctx.pod.spec.securityContext?.fsGroup;
    if (v.emptyDir) {
      if (v.emptyDir.medium === 'Memory' && !isMountPoint(dir)) {
        const size = v.emptyDir.sizeLimit !== undefined ? `,size=${milliValue(parseQuantity(v.emptyDir.sizeLimit)) / 1000n}` : '';
        await run('mount', ['-t', 'tmpfs', '-o', `mode=0777${size}`, 'tmpfs', dir]);
      }
      // World-writable as upstream's emptyDir, so containers of any user can use it; with an
      // fsGroup, owned by that group with setgid so new files join it.
      if (fsGroup !== undefined) chownSync(dir, 0, fsGroup);
      chmodSync(dir, fsGroup !== undefined ? 0o2777 : 0o777);
      return dir;
    }
    const files = (await volumeFiles(v, ctx))!;
    // With an fsGroup, files are readable by the group whatever their mode (upstream's ownership rule).
    if (fsGroup !== undefined) for (const f of files.values()) f.mode |= 0o440;
    writeAtomically(dir, files, fsGroup);
    return dir;
  }

  /** `/etc/hosts` for the pod, as upstream's kubelet writes it (not for host-network pods). */
  writeHosts(pod: PodObject, podIPs: string[]): string {
    const file = join(podDir(this.root, pod.metadata.uid!), 'etc-hosts');
    const hostname = pod.spec.hostname ?? pod.metadata.name ?? '';
    const fqdn = pod.spec.subdomain ? `${hostname}.${pod.spec.subdomain}.${pod.metadata.namespace}.svc.cluster.local\t` : '';
    const lines = [
      '# Kubernetes-managed hosts file.', '127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback',
      'fe00::0\tip6-localnet', 'fe00::0\tip6-mcastprefix', 'fe00::1\tip6-allnodes', 'fe00::2\tip6-allrouters',
      ...podIPs.map(ip => `${ip}\t${fqdn}${hostname}`),
      ...(pod.spec.hostAliases ?? []).flatMap(a => ['', '# Entries added by HostAliases.', `${a.ip}\t${(a.hostnames ?? []).join('\t')}`]),
    ];
    mkdirSync(podDir(this.root, pod.metadata.uid!), { recursive: true });
    writeFileSync(file, lines.join('\n') + '\n');
    return file;
  }

  /**
   * Unmounts the pod's tmpfs volumes and removes its directory and its log directory
   * (`<ns>_<name>_<uid>`, beside it); its containers must be gone.
   */
  async tearDown(uid: string): Promise<void> {
    const dir = podDir(this.root, uid);
    this.inUse.delete(uid);
    for (const key of this.owned) if (key.startsWith(`${uid}/`)) this.owned.delete(key);
    if (existsSync(dir)) {
      await this.tearDownPersistent(uid, join(dir, 'volumes'));
      for (const m of mountsUnder(dir)) await run('umount', [m]);
      rmSync(dir, { recursive: true, force: true });
    }
    for (const name of this.entries()) if (name.endsWith(`_${uid}`)) rmSync(join(this.root, 'pods', name), { recursive: true, force: true });
  }

  /** Each PV plugin tears down what it set up (found on disk: the pod and its PVs may be gone). */
  private async tearDownPersistent(podUid: string, base: string): Promise<void> {
    for (const plugin of this.plugins) {
      const dirName = pluginDir(plugin.name);
      const dir = join(base, dirName);
      if (!existsSync(dir)) continue;
      for (const name of readdirSync(dir)) await plugin.tearDown({ podUid, dir: join(dir, name), globalDir: join(this.root, 'plugins', dirName) });
    }
  }

  /** The uids that have a pod or log directory on this node. */
  knownPods(): string[] {
    return [...new Set(this.entries().map(n => n.split('_').pop()!))];
  }

  private entries(): string[] {
    const dir = join(this.root, 'pods');
    return existsSync(dir) ? readdirSync(dir) : [];
  }
}

/**
 * The CRI mounts of a container: its volumeMounts (subPath, or subPathExpr over its env; read-only by
 * the mount or by the volume) and /etc/hosts.
 */
export function containerMounts(c: Container, volumes: Map<string, PodVolume>, hostsFile: string | undefined, env: Lookup): HostMount[] {
  const mounts: HostMount[] = [];
  for (const m of c.volumeMounts ?? []) {
    const vol = volumes.get(m.name);
    if (!vol) throw new VolumeSetupError(`cannot find volume "${m.name}" to mount into container "${c.name}"`);
    if (vol.block) throw new VolumeSetupError(`volume ${m.name} has volumeMode Block, but is specified in volumeMounts`);
    const sub = m.subPathExpr ? expand(m.subPathExpr, env) : m.subPath;
    const hostPath = sub ? subPathOf(vol.path, sub) : vol.path;
    mounts.push({ containerPath: m.mountPath, hostPath, readonly: !!m.readOnly || vol.readOnly, ...(m.mountPropagation ? { propagation: m.mountPropagation } : {}) });
  }
  if (hostsFile && !mounts.some(m => m.containerPath === '/etc/hosts')) mounts.push({ containerPath: '/etc/hosts', hostPath: hostsFile, readonly: false });
  return mounts;
}

/** The CRI devices of a container: its volumeDevices, each a block volume (volumeMode Block). */
export function containerDevices(c: Container, volumes: Map<string, PodVolume>): HostDevice[] {
  return (c.volumeDevices ?? []).map(d => {
    const vol = volumes.get(d.name);
    if (!vol) throw new VolumeSetupError(`cannot find volume "${d.name}" to pass into container "${c.name}"`);
    if (!vol.block) throw new VolumeSetupError(`volume ${d.name} has volumeMode Filesystem, but is specified in volumeDevices`);
    return { containerPath: d.devicePath, hostPath: vol.path, permissions: vol.readOnly ? 'r' : 'mrw' };
  });
}

/**
 * `sub` inside the volume at `base`, created as a directory when missing, refused as upstream's
 * kubelet refuses it: absolute, with `..`, or resolving (through symlinks the pod may have written)
 * to a place outside the volume.
 */
export function subPathOf(base: string, sub: string): string {
  if (isAbsolute(sub)) throw new VolumeSetupError(`error SubPath \`${sub}\` must not be an absolute path`);
  if (sub.split('/').includes('..')) throw new VolumeSetupError(`unable to provision SubPath \`${sub}\`: must not contain '..'`);
  const root = realpathSync(base);
  const within = (p: string) => p === root || p.startsWith(root + sep);
  // New directories take the volume root's permissions, as upstream's kubelet makes them.
  const mode = statSync(root).mode & 0o7777;
  // Walk down component by component so that no symlink leads a mkdir outside the volume.
  let at = root;
  for (const part of sub.split('/').filter(p => p && p !== '.')) {
    const next = join(at, part);
    if (!existsSync(next)) {
      if (lstatSafe(next)) throw new VolumeSetupError(`subPath "${sub}" is a dangling symlink in the volume`);
      mkdirSync(next, { mode });
    }
    at = realpathSync(next);
    if (!within(at)) throw new VolumeSetupError(`subpath "${sub}" not within volume path "${base}": it resolves to "${at}"`);
  }
  return at;
}

function lstatSafe(p: string): boolean {
  try { lstatSync(p); return true; } catch { return false; }
}

/** API-data volumes are always read-only, as upstream mounts them. */
function isApiData(v: Volume): boolean {
  return !!(v.configMap || v.secret || v.downwardAPI || v.projected);
}

function persistentSourceReadOnly(pv: PersistentVolume): boolean {
  const src = pv.spec as Record<string, { readOnly?: boolean } | undefined> | undefined;
  return Object.values(src ?? {}).some(s => typeof s === 'object' && s !== null && !Array.isArray(s) && s.readOnly === true);
}
