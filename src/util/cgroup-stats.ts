// CPU and memory readings of one cgroup, as cAdvisor takes them: cgroup v1's cpuacct.usage and
// memory.usage_in_bytes / memory.stat / memory.limit_in_bytes (hierarchical `total_*` counters), or
// cgroup v2's cpu.stat and memory.current / memory.stat / memory.max. The working set is usage
// minus inactive file pages (what the kernel can drop first), cAdvisor's and the kubelet's figure.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CGROUP_FS, isCgroupV2 } from './cgroups.js';

export interface CgroupStats {
  /** CPU time used, in nanoseconds. */
  cpuUsageNanoseconds?: number;
  memory?: {
    usageBytes: number;
    workingSetBytes: number;
    rssBytes: number;
    cacheBytes: number;
    pageFaults: number;
    majorPageFaults: number;
    /** Undefined when unlimited. */
    limitBytes?: number;
  };
}

/** Larger than any machine's memory: the kernel's "no limit" in v1 (page-aligned LLONG_MAX). */
const UNLIMITED_V1 = 2 ** 62;

/** The readings of `cgroupPath` (e.g. `/kubepods/<id>`, `/` for the whole machine); undefined if it is gone. */
export function readCgroupStats(cgroupPath: string): CgroupStats | undefined {
  return isCgroupV2() ? readV2(cgroupPath) : readV1(cgroupPath);
}

/**
 * When the cgroup was made, as cAdvisor takes it (its directory's modification time, the earliest
 * over the v1 controllers holding it); undefined if it is gone.
 */
export function cgroupCreatedAtMs(cgroupPath: string): number | undefined {
  const dirs = isCgroupV2() ? [join(CGROUP_FS, cgroupPath)] : ['cpu', 'cpuacct', 'memory'].map(c => join(CGROUP_FS, c, cgroupPath));
  const times = dirs.flatMap(d => {
    try {
      return [statSync(d).mtimeMs];
    } catch {
      return [];
    }
  });
  return times.length ? Math.min(...times) : undefined;
}

function readV1(path: string): CgroupStats | undefined {
  const cpu = readNumber(join(CGROUP_FS, 'cpuacct', path, 'cpuacct.usage'));
  const memDir = join(CGROUP_FS, 'memory', path);
  const usage = readNumber(join(memDir, 'memory.usage_in_bytes'));
  if (cpu === undefined && usage === undefined) return undefined;
  const out: CgroupStats = {};
  if (cpu !== undefined) out.cpuUsageNanoseconds = cpu;
  if (usage !== undefined) {
    const stat = readKeyed(join(memDir, 'memory.stat'));
    const limit = readNumber(join(memDir, 'memory.limit_in_bytes'));
    out.memory = {
      usageBytes: usage,
      workingSetBytes: Math.max(0, usage - (stat.total_inactive_file ?? 0)),
      rssBytes: stat.total_rss ?? 0,
      cacheBytes: stat.total_cache ?? 0,
      pageFaults: stat.total_pgfault ?? 0,
      majorPageFaults: stat.total_pgmajfault ?? 0,
      ...(limit !== undefined && limit < UNLIMITED_V1 ? { limitBytes: limit } : {}),
    };
  }
  return out;
}

function readV2(path: string): CgroupStats | undefined {
  const dir = join(CGROUP_FS, path);
  const cpu = readKeyed(join(dir, 'cpu.stat')).usage_usec;
  // The root of a v2 tree has no memory.current: its usage is the machine's, which /proc tells.
  const usage = readNumber(join(dir, 'memory.current'));
  if (cpu === undefined && usage === undefined) return undefined;
  const out: CgroupStats = {};
  if (cpu !== undefined) out.cpuUsageNanoseconds = cpu * 1000;
  if (usage !== undefined) {
    const stat = readKeyed(join(dir, 'memory.stat'));
    const max = readFileText(join(dir, 'memory.max'))?.trim();
    out.memory = {
      usageBytes: usage,
      workingSetBytes: Math.max(0, usage - (stat.inactive_file ?? 0)),
      rssBytes: stat.anon ?? 0,
      cacheBytes: stat.file ?? 0,
      pageFaults: stat.pgfault ?? 0,
      majorPageFaults: stat.pgmajfault ?? 0,
      ...(max && max !== 'max' ? { limitBytes: Number(max) } : {}),
    };
  }
  return out;
}

function readFileText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function readNumber(file: string): number | undefined {
  const text = readFileText(file)?.trim();
  if (!text) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** `key value` lines (memory.stat, cpu.stat). */
function readKeyed(file: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of (readFileText(file) ?? '').split('\n')) {
    const [k, v] = line.split(' ');
    if (k && v !== undefined) out[k] = Number(v);
  }
  return out;
}
