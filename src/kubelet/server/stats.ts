// /stats/summary and /pods from what this kubelet can see without cAdvisor: the machine's /proc for
// the node, CRI container stats for pods (the stats/v1alpha1 Summary shape, CPU and memory only),
// and CRI sandboxes for the pod list.
import { readFileSync } from 'node:fs';
import type { RuntimeClient } from '../cri/client.js';
import type { ContainerStats, UInt64Value } from '../cri/types.js';
import { Counter, exposition, Gauge, Registry } from '../../metrics/registry.js';
import { readMemory } from '../node/machine-info.js';
import { CONTAINER_NAME, POD_NAME, POD_NAMESPACE, POD_UID } from '../labels.js';

interface CpuStats { time: string; usageNanoCores?: number; usageCoreNanoSeconds?: number }
interface MemoryStats { time: string; availableBytes?: number; usageBytes?: number; workingSetBytes?: number; rssBytes?: number; pageFaults?: number; majorPageFaults?: number }
interface ContainerSummary { name: string; startTime?: string; cpu?: CpuStats; memory?: MemoryStats }
interface PodSummary { podRef: { name: string; namespace: string; uid: string }; startTime?: string; containers: ContainerSummary[]; cpu?: CpuStats; memory?: MemoryStats }

export interface Summary {
  node: { nodeName: string; startTime: string; cpu: CpuStats; memory: MemoryStats };
  pods: PodSummary[];
}

// Linux reports /proc/stat in USER_HZ ticks, 100 per second on every architecture Node runs on.
const NS_PER_TICK = 10_000_000;

export async function statsSummary(runtime: RuntimeClient, nodeName: string): Promise<Summary> {
  const now = new Date().toISOString();
  const mem = readMemory();
  const node = {
    nodeName,
    startTime: bootTime(),
    cpu: { time: now, usageCoreNanoSeconds: busyCpuNanoseconds() },
    memory: { time: now, availableBytes: mem.availableBytes, usageBytes: mem.totalBytes - mem.availableBytes, workingSetBytes: mem.totalBytes - mem.availableBytes },
  };
  const [sandboxes, stats] = await Promise.all([runtime.listPodSandbox(), runtime.listContainerStats()]);
  const pods = new Map<string, PodSummary>();
  for (const s of sandboxes) {
    const uid = s.labels[POD_UID] ?? s.metadata?.uid ?? '';
    if (s.state !== 'SANDBOX_READY') continue;
    pods.set(uid, {
      podRef: { name: s.labels[POD_NAME] ?? s.metadata?.name ?? '', namespace: s.labels[POD_NAMESPACE] ?? s.metadata?.namespace ?? '', uid },
      startTime: nsToIso(s.createdAt),
      containers: [],
    });
  }
  for (const c of stats) {
    const labels = c.attributes?.labels ?? {};
    const pod = pods.get(labels[POD_UID] ?? '');
    if (!pod) continue;
    pod.containers.push({ name: labels[CONTAINER_NAME] ?? c.attributes?.metadata?.name ?? '', ...containerUsage(c) });
  }
  for (const pod of pods.values()) {
    pod.cpu = sum(pod.containers.map(c => c.cpu), now, ['usageNanoCores', 'usageCoreNanoSeconds']);
    pod.memory = sum(pod.containers.map(c => c.memory), now, ['usageBytes', 'workingSetBytes', 'rssBytes', 'pageFaults', 'majorPageFaults']);
  }
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

/** /metrics/resource: the summary's CPU and memory in the series metrics-server scrapes (upstream's names). */
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
    }
  }
  return exposition(m);
}

function containerUsage(c: ContainerStats): Pick<ContainerSummary, 'cpu' | 'memory'> {
  const out: Pick<ContainerSummary, 'cpu' | 'memory'> = {};
  if (c.cpu) out.cpu = { time: nsToIso(c.cpu.timestamp), usageNanoCores: val(c.cpu.usageNanoCores), usageCoreNanoSeconds: val(c.cpu.usageCoreNanoSeconds) };
  if (c.memory) {
    out.memory = {
      time: nsToIso(c.memory.timestamp), availableBytes: val(c.memory.availableBytes), usageBytes: val(c.memory.usageBytes),
      workingSetBytes: val(c.memory.workingSetBytes), rssBytes: val(c.memory.rssBytes), pageFaults: val(c.memory.pageFaults), majorPageFaults: val(c.memory.majorPageFaults),
    };
  }
  return out;
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

/** Time all CPUs spent not idle since boot (the `cpu` line of /proc/stat minus idle and iowait). */
function busyCpuNanoseconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = ticks;
  return (user + nice + system + irq + softirq + steal) * NS_PER_TICK;
}

function bootTime(): string {
  const btime = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1];
  return new Date(Number(btime ?? 0) * 1000).toISOString();
}
