// A pod's volumes on the node, under `<root>/pods/<uid>/volumes/<plugin>/<name>` as upstream lays
// them out: emptyDir (a directory, or a tmpfs mount for medium Memory), hostPath (checked or created
// by type), and API-data volumes written atomically. Also the kubelet-managed /etc/hosts. Teardown
// unmounts what was mounted, then removes the pod's directory.
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { expand, type Lookup } from '../expand.js';
import { promisify } from 'node:util';
import { milliValue, parseQuantity } from '../../api/quantity.js';
import type { Container, Volume } from '../../api/types/generated.js';
import type { PodObject } from '../types.js';
import { mountsUnder } from '../containerd/cleanup.js';
import { writeAtomically } from './atomic-writer.js';
import { volumeFiles, VolumeSetupError, type ProjectionContext } from './projections.js';

const run = promisify(execFile);

export interface HostMount {
  containerPath: string;
  hostPath: string;
  readonly: boolean;
}

const PLUGIN_DIR: Record<string, string> = {
  emptyDir: 'kubernetes.io~empty-dir', configMap: 'kubernetes.io~configmap', secret: 'kubernetes.io~secret',
  downwardAPI: 'kubernetes.io~downward-api', projected: 'kubernetes.io~projected',
};

export function podDir(root: string, uid: string): string {
  return join(root, 'pods', uid);
}

export class PodVolumes {
  constructor(private readonly root: string) {}

  /** Sets up every volume; returns the host path of each by name. Idempotent (runs every sync). */
  async setUp(ctx: ProjectionContext): Promise<Map<string, string>> {
    const pod = ctx.pod;
    const base = join(podDir(this.root, pod.metadata.uid!), 'volumes');
    const paths = new Map<string, string>();
    for (const v of pod.spec.volumes ?? []) {
      try {
        paths.set(v.name, await this.setUpOne(v, base, ctx));
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        throw new VolumeSetupError(`MountVolume.SetUp failed for volume "${v.name}" : ${msg}`);
      }
    }
    return paths;
  }

  private async setUpOne(v: Volume, base: string, ctx: ProjectionContext): Promise<string> {
    if (v.hostPath) return hostPath(v.hostPath.path, v.hostPath.type ?? '');
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
    if (existsSync(dir)) {
      for (const m of mountsUnder(dir)) await run('umount', [m]);
      rmSync(dir, { recursive: true, force: true });
    }
    for (const name of this.entries()) if (name.endsWith(`_${uid}`)) rmSync(join(this.root, 'pods', name), { recursive: true, force: true });
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

/** The CRI mounts of a container: its volumeMounts (subPath, or subPathExpr over its env) and /etc/hosts. */
export function containerMounts(c: Container, volumes: Map<string, string>, hostsFile: string | undefined, apiDataVolumes: Set<string>, env: Lookup): HostMount[] {
  const mounts: HostMount[] = [];
  for (const m of c.volumeMounts ?? []) {
    let hostPath = volumes.get(m.name);
    if (!hostPath) throw new VolumeSetupError(`cannot find volume "${m.name}" to mount into container "${c.name}"`);
    const sub = m.subPathExpr ? expand(m.subPathExpr, env) : m.subPath;
    if (sub) {
      if (isAbsolute(sub) || sub.split('/').includes('..')) throw new VolumeSetupError(`subPath "${sub}" must be a relative path without ".."`);
      hostPath = join(hostPath, sub);
      if (!existsSync(hostPath)) mkdirSync(hostPath, { recursive: true });
    }
    // API-data volumes are always read-only, as upstream mounts them.
    mounts.push({ containerPath: m.mountPath, hostPath, readonly: !!m.readOnly || apiDataVolumes.has(m.name) });
  }
  if (hostsFile && !mounts.some(m => m.containerPath === '/etc/hosts')) mounts.push({ containerPath: '/etc/hosts', hostPath: hostsFile, readonly: false });
  return mounts;
}

export function apiDataVolumeNames(pod: PodObject): Set<string> {
  return new Set((pod.spec.volumes ?? []).filter(v => v.configMap || v.secret || v.downwardAPI || v.projected).map(v => v.name));
}

function hostPath(path: string, type: string): string {
  const st = existsSync(path) ? statSync(path) : undefined;
  const fail = (what: string) => new VolumeSetupError(`hostPath type check failed: ${path} is not a ${what}`);
  switch (type) {
    case 'DirectoryOrCreate':
      if (!st) mkdirSync(path, { recursive: true, mode: 0o755 });
      else if (!st.isDirectory()) throw fail('directory');
      break;
    case 'FileOrCreate':
      if (!st) closeSync(openSync(path, 'a', 0o644));
      else if (!st.isFile()) throw fail('file');
      break;
    case 'Directory': if (!st?.isDirectory()) throw fail('directory'); break;
    case 'File': if (!st?.isFile()) throw fail('file'); break;
    case 'Socket': if (!st?.isSocket()) throw fail('socket'); break;
    case 'CharDevice': if (!st?.isCharacterDevice()) throw fail('character device'); break;
    case 'BlockDevice': if (!st?.isBlockDevice()) throw fail('block device'); break;
  }
  return path;
}

function isMountPoint(dir: string): boolean {
  return mountsUnder(dir).includes(dir);
}
