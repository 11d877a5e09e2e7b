// The pods' parent cgroup (--cgroup-root, default /kubepods), as upstream's node allocatable
// enforcement sets it up: its cpu.shares are those of the node's allocatable CPU (1024 per core),
// so under contention all pods together get the share of the machine their CPU is worth against
// host processes (each with the default 1024) instead of competing as one process would. Without
// it the cgroup runc creates gets 1024 shares whatever the node's size. Cgroup v1 (this project's
// runtime setup); on cgroup v2 the weights runc derives are left as they are.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { milliValue, parseQuantity } from '../../api/quantity.js';
import { CGROUP_FS, CgroupError, isCgroupV2 } from '../../util/cgroups.js';
import { milliCpuToShares } from '../cpu-shares.js';
import type { ResourceList } from './node-resources.js';

/** cpu.shares of the pods' cgroup for a node's allocatable resources. */
export function podsCgroupCpuShares(allocatable: ResourceList): number {
  return milliCpuToShares(allocatable.cpu === undefined ? undefined : Number(milliValue(parseQuantity(allocatable.cpu))));
}

/**
 * Creates the pods' cgroup in the cpu hierarchy if needed and sets its cpu.shares. Returns the
 * shares written, or undefined on cgroup v2.
 */
export function configurePodsCgroup(cgroupRoot: string, allocatable: ResourceList, fsRoot = CGROUP_FS): number | undefined {
  if (isCgroupV2(fsRoot)) return undefined;
  const dir = join(fsRoot, 'cpu', cgroupRoot);
  const shares = podsCgroupCpuShares(allocatable);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'cpu.shares'), `${shares}\n`);
  } catch (err) {
    throw new CgroupError(`cannot set cpu.shares of ${dir}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  return shares;
}
