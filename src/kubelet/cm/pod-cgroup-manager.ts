// The pods' cgroup tree on a cgroup v1 node (upstream's QoS and pod container managers with the
// cgroupfs driver): the QoS classes' cgroups under the pods' cgroup, made at start, the Burstable
// one's cpu.shares kept at its pods' requests (both remade should they go); a cgroup per pod, made with the pod's settings
// before its sandbox (whose cgroup parent it is) and removed, with anything left running in it,
// once the pod's sandbox and containers are gone. Only the controllers whose settings the kubelet
// owns (cpu, cpuacct, memory, pids) get the cgroups made here; the runtime adds the levels it
// needs in the others when it makes a container's cgroup, and removal covers every hierarchy.
// On cgroup v2 nothing is made: pods keep the pods' cgroup as their parent.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CGROUP_FS, CgroupError, isCgroupV2, removeCgroupTree } from '../../util/cgroups.js';
import { MIN_SHARES } from '../cpu-shares.js';
import type { PodObject } from '../types.js';
import { podQos, QOS_CLASSES } from '../../api/pod-qos.js';
import { podCgroup, podUidOf, qosCgroup } from './cgroup-names.js';
import { burstableCpuShares, podResourceConfig, type CgroupResourceConfig } from './pod-resource-config.js';

const MANAGED_CONTROLLERS = ['cpu', 'cpuacct', 'memory', 'pids'];

export class PodCgroupManager {
  /** The managed controllers this machine mounts; none on cgroup v2. */
  private readonly controllers: string[];

  constructor(private readonly root: string, private readonly fsRoot = CGROUP_FS) {
    this.controllers = isCgroupV2(fsRoot) ? [] : MANAGED_CONTROLLERS.filter(c => existsSync(join(fsRoot, c)));
  }

  get enabled(): boolean {
    return this.controllers.length > 0;
  }

  /**
   * Makes the QoS classes' cgroups if missing and sets their cpu.shares, as upstream's
   * UpdateCgroups: BestEffort the minimum, Burstable its pods' requests (returned).
   */
  updateQos(pods: PodObject[]): number | undefined {
    if (!this.enabled) return undefined;
    const cpuShares = burstableCpuShares(pods);
    this.make(qosCgroup(this.root, 'BestEffort'), { cpuShares: MIN_SHARES });
    this.make(qosCgroup(this.root, 'Burstable'), { cpuShares });
    return cpuShares;
  }

  /** The cgroup parent of the pod's sandbox. */
  parentOf(pod: PodObject): string {
    return this.enabled ? podCgroup(this.root, podQos(pod), pod.metadata.uid!) : this.root;
  }

  /**
   * Makes the pod's cgroup with its settings unless it exists already (settings of an existing
   * one are left, as upstream's EnsureExists). Returns whether it was made.
   */
  ensurePod(pod: PodObject): boolean {
    if (!this.enabled) return false;
    const path = this.parentOf(pod);
    if (this.controllers.every(c => existsSync(join(this.fsRoot, c, path)))) return false;
    this.make(path, podResourceConfig(pod));
    return true;
  }

  /** The pods' cgroup and the QoS classes' cgroups below it (none on cgroup v2, where none is made). */
  qosCgroups(): string[] {
    return this.enabled ? QOS_CLASSES.map(q => qosCgroup(this.root, q)) : [];
  }

  /** The pod cgroups on the node, by pod uid (in any managed controller: a partial one counts). */
  podCgroups(): Map<string, string> {
    const out = new Map<string, string>();
    const parents = this.qosCgroups();
    for (const c of this.controllers) {
      for (const parent of parents) {
        const dir = join(this.fsRoot, c, parent);
        if (!existsSync(dir)) continue;
        for (const e of readdirSync(dir, { withFileTypes: true })) {
          const uid = e.isDirectory() ? podUidOf(e.name) : undefined;
          if (uid && !out.has(uid)) out.set(uid, join(parent, e.name));
        }
      }
    }
    return out;
  }

  /**
   * Removes the pod's cgroup from every hierarchy, killing whatever still runs in it first (the
   * runtime removes its containers' cgroups; anything left is no container the runtime knows).
   * Returns whether there was one.
   */
  async removePod(uid: string): Promise<boolean> {
    const path = this.podCgroupOf(uid);
    if (!path) return false;
    await removeCgroupTree(path, this.fsRoot);
    return true;
  }

  /**
   * The pod's cgroup, as podCgroups would find it, looked up by name rather than by listing every
   * pod's (finished pods are cleaned up at each resync).
   */
  private podCgroupOf(uid: string): string | undefined {
    const candidates = QOS_CLASSES.map(q => podCgroup(this.root, q, uid));
    for (const c of this.controllers) for (const path of candidates) if (existsSync(join(this.fsRoot, c, path))) return path;
    return undefined;
  }

  private make(path: string, config: CgroupResourceConfig): void {
    for (const c of this.controllers) {
      const dir = join(this.fsRoot, c, path);
      try {
        mkdirSync(dir, { recursive: true });
      } catch (err) {
        throw new CgroupError(`cannot create cgroup ${dir}: ${(err as NodeJS.ErrnoException).code ?? err}`);
      }
    }
    this.write(path, config);
  }

  /** Writes the settings into the controllers they belong to (the period before the quota it is a share of). */
  private write(path: string, config: CgroupResourceConfig): void {
    const files: [string, string, number | undefined][] = [
      ['cpu', 'cpu.shares', config.cpuShares],
      ['cpu', 'cpu.cfs_period_us', config.cpuPeriod],
      ['cpu', 'cpu.cfs_quota_us', config.cpuQuota],
      ['memory', 'memory.limit_in_bytes', config.memoryLimitBytes],
    ];
    for (const [controller, file, value] of files) {
      if (value === undefined || !this.controllers.includes(controller)) continue;
      const target = join(this.fsRoot, controller, path, file);
      try {
        writeFileSync(target, `${value}\n`);
      } catch (err) {
        throw new CgroupError(`cannot write ${value} to ${target}: ${(err as NodeJS.ErrnoException).code ?? err}`);
      }
    }
  }
}
