// /stats/summary and /metrics/resource without cAdvisor, as upstream's kubelet with its CRI stats
// provider: the node from the root cgroup (the whole machine's CPU time and working set, as
// cAdvisor's root container), each running container from CRI container stats (containerd reads
// them from the container's cgroup: cpuacct usage, memory usage minus inactive file pages), pods
// from their own cgroup (as upstream's CRI provider takes them from cAdvisor's pod cgroup; the sum
// of their containers for a pod without one), and CPU usage rates computed here from two readings
// (cpu-rates.ts).
// Also the runtime's pods (/pods).
import { readFileSync } from 'node:fs';
import type { RuntimeClient } from '../cri/client.js';
import type { Container, ContainerStats, PodSandbox, UInt64Value } from '../cri/types.js';
import { Counter, exposition, Gauge, Registry } from '../../metrics/registry.js';
import { readMemory } from '../node/machine-info.js';
import { CONTAINER_NAME, POD_NAME, POD_NAMESPACE, POD_UID } from '../labels.js';
import { readCgroupStats, type CgroupStats } from '../../util/cgroup-stats.js';
import type { CpuRates } from './cpu-rates.js';

interface CpuStats { time: string; usageNanoCores?: number; usageCoreNanoSeconds?: number }
interface MemoryStats { time: string; availableBytes?: number; usageBytes?: number; workingSetBytes?: number; rssBytes?: number; pageFaults?: number; majorPageFaults?: number }
interface ContainerSummary { name: string; startTime?: string; cpu?: CpuStats; memory?: MemoryStats }
interface PodSummary { podRef: { name: string; namespace: string; uid: string }; startTime?: string; containers: ContainerSummary[]; cpu?: CpuStats; memory?: MemoryStats }

export interface Summary {
  node: { nodeName: string; startTime: string; cpu: CpuStats; memory: MemoryStats };
  pods: PodSummary[];
}

/** What a summary is made of, read at one moment. */
export interface SummaryReadings {
  nodeName: string;
  nowMs: number;
  bootTime: string;
  /** The root cgroup: the whole machine. */
  machine: CgroupStats;
  machineMemoryBytes: number;
  sandboxes: PodSandbox[];
  containers: Container[];
  stats: ContainerStats[];
  /** The readings of the pods' own cgroups, by pod uid. */
  podCgroups?: Map<string, CgroupStats>;
}

/** The rate key of the node's CPU (container keys are container IDs). */
const NODE_KEY = '/';

/** The pods' own cgroups on the node, by pod uid (the kubelet's pod cgroup manager). */
export type PodCgroupPaths = () => Map<string, string>;

export async function statsSummary(runtime: RuntimeClient, nodeName: string, rates: CpuRates, podCgroupPaths?: PodCgroupPaths): Promise<Summary> {
  const [sandboxes, containers, stats] = await Promise.all([runtime.listPodSandbox(), runtime.listContainers(), runtime.listContainerStats()]);
  const mem = readMemory();
  const machine = readCgroupStats('/') ?? {};
  // cgroup v2 keeps no memory figures at its root: the machine's come from /proc/meminfo.
  if (!machine.memory) {
    const used = mem.totalBytes - mem.availableBytes;
    machine.memory = { usageBytes: used, workingSetBytes: used, rssBytes: 0, cacheBytes: 0, pageFaults: 0, majorPageFaults: 0 };
  }
  const podCgroups = new Map<string, CgroupStats>();
  for (const [uid, path] of podCgroupPaths?.() ?? []) {
    const read = readCgroupStats(path);
    if (read) podCgroups.set(uid, read);
  }
  return assembleSummary({ nodeName, nowMs: Date.now(), bootTime: bootTime(), machine, machineMemoryBytes: mem.totalBytes, sandboxes, containers, stats, podCgroups }, rates);
}

/** The summary of one set of readings; `rates` turns cumulative CPU time into usageNanoCores. */
export function assembleSummary(r: SummaryReadings, rates: CpuRates): Summary {
  const now = new Date(r.nowMs).toISOString();
  // The machine's memory is the root cgroup's limit: what it leaves is available.
  const node = { nodeName: r.nodeName, startTime: r.bootTime, ...cgroupUsage(r.machine, NODE_KEY, now, r.nowMs, rates, r.machineMemoryBytes) };
  const pods = new Map<string, PodSummary>();
  for (const s of r.sandboxes) {
    const uid = s.labels[POD_UID] ?? s.metadata?.uid ?? '';
    if (s.state !== 'SANDBOX_READY') continue;
    pods.set(uid, {
      podRef: { name: s.labels[POD_NAME] ?? s.metadata?.name ?? '', namespace: s.labels[POD_NAMESPACE] ?? s.metadata?.namespace ?? '', uid },
      startTime: nsToIso(s.createdAt),
      containers: [],
    });
  }
  // Only running containers count: an exited one's last readings are not usage.
  const running = new Map(r.containers.filter(c => c.state === 'CONTAINER_RUNNING').map(c => [c.id, c]));
  for (const c of r.stats) {
    const id = c.attributes?.id ?? '';
    const container = running.get(id);
    const labels = c.attributes?.labels ?? {};
    const pod = pods.get(labels[POD_UID] ?? '');
    if (!container || !pod) continue;
    pod.containers.push({ name: labels[CONTAINER_NAME] ?? c.attributes?.metadata?.name ?? '', startTime: nsToIso(container.createdAt), ...containerUsage(c, id, rates) });
  }
  const podKeys: string[] = [];
  for (const [uid, pod] of pods) {
    const own = r.podCgroups?.get(uid);
    if (own) {
      const key = `pod/${uid}`;
      podKeys.push(key);
      Object.assign(pod, cgroupUsage(own, key, now, r.nowMs, rates, own.memory?.limitBytes));
      continue;
    }
    pod.cpu = sum(pod.containers.map(c => c.cpu), now, ['usageNanoCores', 'usageCoreNanoSeconds']);
    pod.memory = sum(pod.containers.map(c => c.memory), now, ['usageBytes', 'workingSetBytes', 'rssBytes', 'pageFaults', 'majorPageFaults']);
  }
  rates.retain(new Set([NODE_KEY, ...running.keys(), ...podKeys]));
  return { node, pods: [...pods.values()] };
}

/** The runtime's pods as a v1 PodList (what CRI knows: identity, labels, containers, IP). */
export async function podList(runtime: RuntimeClient): Promise<unknown> {
  const [sandboxes, containers] = await Promise.all([runtime.listPodSandbox(), runtime.listContainers()]);
  const items = await Promise.all(sandboxes.filter(s => s.state === 'SANDBOX_READY').map(async s => {
    const status = await runtime.podSandboxStatus(s.id).catch(() => undefined);
    const own = containers.filter(c => c.podSandboxId === s.id);
    const names = [...new Set(own.map(c => c.labels[CONTAINER_NAME] ?? c.metadata?.name ?? ''))];
    return {
      metadata: { name: s.labels[POD_NAME] ?? s.metadata?.name, namespace: s.labels[POD_NAMESPACE] ?? s.metadata?.namespace, uid: s.labels[POD_UID] ?? s.metadata?.uid, creationTimestamp: nsToIso(s.createdAt) },
      spec: { containers: names.map(name => ({ name, image: own.find(c => (c.labels[CONTAINER_NAME] ?? c.metadata?.name) === name)?.image?.image ?? '' })) },
      status: { podIP: status?.network?.ip || undefined },
    };
  }));
  return { kind: 'PodList', apiVersion: 'v1', metadata: {}, items };
}

/**
 * /metrics/resource: the summary's CPU and memory in the series metrics-server scrapes (upstream's
 * names), each sample stamped with the time of the readings, as upstream's kubelet stamps them.
 */
export async function resourceMetrics(summary: Summary): Promise<string> {
  // A fresh registry per scrape: the figures are the runtime's current readings, not accumulated here.
  const m = new Registry();
  const POD = ['namespace', 'pod'];
  const CONTAINER = ['container', 'namespace', 'pod'];
  const nodeCpu = new Counter({ name: 'node_cpu_usage_seconds_total', help: '[STABLE] Cumulative cpu time consumed by the node in core-seconds', registers: [m] });
  const nodeMem = new Gauge({ name: 'node_memory_working_set_bytes', help: '[STABLE] Current working set of the node in bytes', registers: [m] });
  const podCpu = new Counter({ name: 'pod_cpu_usage_seconds_total', help: '[STABLE] Cumulative cpu time consumed by the pod in core-seconds', labelNames: POD, registers: [m] });
  const podMem = new Gauge({ name: 'pod_memory_working_set_bytes', help: '[STABLE] Current working set of the pod in bytes', labelNames: POD, registers: [m] });
  const ctrCpu = new Counter({ name: 'container_cpu_usage_seconds_total', help: '[STABLE] Cumulative cpu time consumed by the container in core-seconds', labelNames: CONTAINER, registers: [m] });
  const ctrMem = new Gauge({ name: 'container_memory_working_set_bytes', help: '[STABLE] Current working set of the container in bytes', labelNames: CONTAINER, registers: [m] });
  const ctrStart = new Gauge({ name: 'container_start_time_seconds', help: '[STABLE] Start time of the container since unix epoch in seconds', labelNames: CONTAINER, registers: [m] });
  // The kubelet always reports whether collecting the figures failed; this reads them directly.
  new Gauge({ name: 'scrape_error', help: '[ALPHA] 1 if there was an error while getting container metrics, 0 otherwise', registers: [m] }).set(0);
  const { node } = summary;
  if (node.cpu.usageCoreNanoSeconds !== undefined) nodeCpu.inc(node.cpu.usageCoreNanoSeconds / 1e9);
  if (node.memory.workingSetBytes !== undefined) nodeMem.set(node.memory.workingSetBytes);
  for (const pod of summary.pods) {
    const podLabels = { namespace: pod.podRef.namespace, pod: pod.podRef.name };
    if (pod.cpu?.usageCoreNanoSeconds !== undefined) podCpu.inc(podLabels, pod.cpu.usageCoreNanoSeconds / 1e9);
    if (pod.memory?.workingSetBytes !== undefined) podMem.set(podLabels, pod.memory.workingSetBytes);
    for (const c of pod.containers) {
      const labels = { ...podLabels, container: c.name };
      if (c.cpu?.usageCoreNanoSeconds !== undefined) ctrCpu.inc(labels, c.cpu.usageCoreNanoSeconds / 1e9);
      if (c.memory?.workingSetBytes !== undefined) ctrMem.set(labels, c.memory.workingSetBytes);
      if (c.startTime) ctrStart.set(labels, Date.parse(c.startTime) / 1000);
    }
  }
  return exposition(m, Date.parse(node.cpu.time));
}

function containerUsage(c: ContainerStats, id: string, rates: CpuRates): Pick<ContainerSummary, 'cpu' | 'memory'> {
  const out: Pick<ContainerSummary, 'cpu' | 'memory'> = {};
  const used = val(c.cpu?.usageCoreNanoSeconds ?? null);
  // containerd's own usageNanoCores is over the time since whoever last asked it: ours is over our readings.
  if (c.cpu) out.cpu = { time: nsToIso(c.cpu.timestamp), usageCoreNanoSeconds: used, usageNanoCores: used !== undefined ? rates.rate(id, used, c.cpu.timestamp / 1e6) : undefined };
  if (c.memory) {
    out.memory = {
      time: nsToIso(c.memory.timestamp), availableBytes: val(c.memory.availableBytes), usageBytes: val(c.memory.usageBytes),
      workingSetBytes: val(c.memory.workingSetBytes), rssBytes: val(c.memory.rssBytes), pageFaults: val(c.memory.pageFaults), majorPageFaults: val(c.memory.majorPageFaults),
    };
  }
  return out;
}

/**
 * A cgroup's readings as summary CPU and memory stats, its CPU rate under `rateKey`; available
 * memory is what `limitBytes` leaves, when there is a limit.
 */
function cgroupUsage(c: CgroupStats, rateKey: string, time: string, nowMs: number, rates: CpuRates, limitBytes: number | undefined): { cpu: CpuStats; memory: MemoryStats } {
  const used = c.cpuUsageNanoseconds;
  const m = c.memory;
  return {
    cpu: { time, ...(used !== undefined ? { usageCoreNanoSeconds: used, usageNanoCores: rates.rate(rateKey, used, nowMs) } : {}) },
    memory: { time, ...(m ? {
      ...(limitBytes !== undefined ? { availableBytes: Math.max(0, limitBytes - m.workingSetBytes) } : {}),
      usageBytes: m.usageBytes, workingSetBytes: m.workingSetBytes, rssBytes: m.rssBytes, pageFaults: m.pageFaults, majorPageFaults: m.majorPageFaults,
    } : {}) },
  };
}

function sum(parts: (object | undefined)[], time: string, keys: string[]): { time: string } & Record<string, number | string> {
  const out: { time: string } & Record<string, number | string> = { time };
  for (const k of keys) {
    const values = parts.map(p => (p as Record<string, number | undefined> | undefined)?.[k]).filter((v): v is number => v !== undefined);
    if (values.length) out[k] = values.reduce((a, b) => a + b, 0);
  }
  return out;
}

function val(v: UInt64Value | null): number | undefined {
  return v ? v.value : undefined;
}

function nsToIso(ns: number): string {
  return new Date(Math.floor(ns / 1e6)).toISOString();
}

function bootTime(): string {
  const btime = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1];
  return new Date(Number(btime ?? 0) * 1000).toISOString();
}
