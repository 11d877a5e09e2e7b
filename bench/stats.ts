// Percentiles, timing and process figures for benchmarks.
import { readFileSync } from 'node:fs';

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function summarize(samplesMs: number[]): { p50: number; p90: number; p99: number; max: number; count: number } {
  const s = [...samplesMs].sort((a, b) => a - b);
  const r = (v: number) => Math.round(v * 100) / 100;
  return { p50: r(percentile(s, 50)), p90: r(percentile(s, 90)), p99: r(percentile(s, 99)), max: r(s[s.length - 1] ?? NaN), count: s.length };
}

export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Resident set size of a local process, from /proc (undefined when it cannot be read). */
export function rssBytes(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds (user + system) a local process has used so far, from /proc. On a shared machine
 * this is steadier than wall time for comparing the cost of the same work.
 */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th overall.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** CPU used so far by this process and (seconds) by the server and etcd processes given. */
interface CpuSample { bench: NodeJS.CpuUsage; server?: number; etcd?: number }

export function cpuSample(pids: { serverPid?: number; etcdPid?: number }): CpuSample {
  return { bench: process.cpuUsage(), server: cpuSeconds(pids.serverPid), etcd: cpuSeconds(pids.etcdPid) };
}

/**
 * CPU milliseconds per operation since `start` of this process (the load generator) and of the
 * given server and etcd processes; undefined when no process ID was given.
 */
export function cpuPerOperation(start: CpuSample, pids: { serverPid?: number; etcdPid?: number }, operations: number): Record<string, number> | undefined {
  if (pids.serverPid === undefined && pids.etcdPid === undefined) return undefined;
  const now = cpuSample(pids);
  const perOp = (seconds: number) => Math.round((seconds * 1000 / operations) * 1000) / 1000;
  const bench = process.cpuUsage(start.bench);
  const out: Record<string, number> = { bench: perOp((bench.user + bench.system) / 1e6) };
  if (start.server !== undefined && now.server !== undefined) out.server = perOp(now.server - start.server);
  if (start.etcd !== undefined && now.etcd !== undefined) out.etcd = perOp(now.etcd - start.etcd);
  return out;
}
