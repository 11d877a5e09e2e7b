// /metrics/cadvisor without cAdvisor: the series cAdvisor's Prometheus collector writes for each
// cgroup it watches (the machine's root cgroup, the pods' cgroup and its QoS classes' cgroups,
// every running pod's own cgroup, sandbox and container), read straight from the cgroups (util/cgroup-stats.ts) with cAdvisor's names, help and
// labels: container, id (the cgroup path), image, name (the runtime's ID), namespace, pod (all but
// id empty for the root, pods and QoS cgroups). Usage
// samples carry the time they were read; spec samples (limit, start time) carry none, as
// cAdvisor's. A pod's cgroup has no runtime ID nor image: its series have container, image and
// name empty and the pod's namespace and name, as upstream's kubelet labels them; a sandbox's have
// container "" and the sandbox image.
import { Counter, exposition, Gauge, Registry } from '../../metrics/registry.js';
import type { RuntimeClient } from '../cri/client.js';
import { CONTAINER_NAME, POD_NAME, POD_NAMESPACE, POD_UID } from '../labels.js';
import { cgroupCreatedAtMs, readCgroupStats, type CgroupStats } from '../../util/cgroup-stats.js';

/** One cgroup as cAdvisor labels it. */
export interface WatchedCgroup {
  labels: { container: string; id: string; image: string; name: string; namespace: string; pod: string };
  startTimeSeconds?: number;
  stats: CgroupStats;
}

interface RuntimeDetails {
  cgroupPath: string;
  image: string;
}

const LABELS = ['container', 'id', 'image', 'name', 'namespace', 'pod'];

/**
 * Each container's cgroup path and image, from the runtime's verbose status (its OCI spec), kept
 * while the container lives: they do not change.
 */
export class RuntimeDetailsCache {
  private readonly known = new Map<string, RuntimeDetails | null>();

  constructor(private readonly runtime: RuntimeClient) {}

  async container(id: string): Promise<RuntimeDetails | undefined> {
    if (!this.known.has(id)) {
      const r = await this.runtime.containerStatusVerbose(id).catch(() => undefined);
      this.known.set(id, r ? details(r.info, r.status?.image?.image ?? '') : null);
    }
    return this.known.get(id) ?? undefined;
  }

  async sandbox(id: string): Promise<RuntimeDetails | undefined> {
    if (!this.known.has(id)) {
      const r = await this.runtime.podSandboxStatusVerbose(id).catch(() => undefined);
      this.known.set(id, r ? details(r.info, '') : null);
    }
    return this.known.get(id) ?? undefined;
  }

  retain(live: Set<string>): void {
    for (const id of this.known.keys()) if (!live.has(id)) this.known.delete(id);
  }
}

/** containerd's verbose `info` JSON: the OCI spec's cgroupsPath (cgroupfs form) and the sandbox's image. */
function details(info: Record<string, string> | undefined, image: string): RuntimeDetails | null {
  try {
    const parsed = JSON.parse(info?.info ?? '{}') as { image?: string; runtimeSpec?: { linux?: { cgroupsPath?: string } } };
    const cgroupPath = parsed.runtimeSpec?.linux?.cgroupsPath;
    // A systemd-driver path (slice:prefix:name) names no directory of its own.
    if (!cgroupPath || cgroupPath.includes(':')) return null;
    return { cgroupPath, image: image || parsed.image || '' };
  } catch {
    return null;
  }
}

/** A cgroup no pod or container is: the machine's root, the pods' cgroup, a QoS class's. */
const unlabelled = (id: string): WatchedCgroup['labels'] => ({ container: '', id, image: '', name: '', namespace: '', pod: '' });

/**
 * The machine's root cgroup, the pods' cgroup and its QoS classes' (`qosCgroups`, as upstream's
 * cAdvisor watches `/kubepods`, `/kubepods/burstable`, `/kubepods/besteffort`), and those of the
 * running pods (`podCgroups`: their own cgroups by uid), sandboxes and containers, read now.
 */
export async function watchedCgroups(runtime: RuntimeClient, cache: RuntimeDetailsCache, podCgroups = new Map<string, string>(), qosCgroups: string[] = []): Promise<{ cgroups: WatchedCgroup[]; failed: boolean }> {
  const [sandboxes, containers] = await Promise.all([runtime.listPodSandbox(), runtime.listContainers()]);
  const ready = sandboxes.filter(s => s.state === 'SANDBOX_READY');
  const running = containers.filter(c => c.state === 'CONTAINER_RUNNING');
  cache.retain(new Set([...ready.map(s => s.id), ...running.map(c => c.id)]));
  const out: WatchedCgroup[] = [];
  let failed = false;
  const root = readCgroupStats('/');
  if (root) out.push({ labels: unlabelled('/'), stats: root });
  for (const path of qosCgroups) {
    const stats = readCgroupStats(path);
    const createdAtMs = cgroupCreatedAtMs(path);
    // The kubelet remakes a missing one at its next resync; until then it is a failed read.
    if (!stats) failed = true;
    else out.push({ labels: unlabelled(path), ...(createdAtMs === undefined ? {} : { startTimeSeconds: createdAtMs / 1000 }), stats });
  }
  const add = (d: RuntimeDetails | undefined, labels: Omit<WatchedCgroup['labels'], 'id' | 'image'>, createdAtNs: number) => {
    const stats = d && readCgroupStats(d.cgroupPath);
    // Gone between the listing and the read (or unreadable): left out, and said so in container_scrape_error.
    if (!d || !stats) return void (failed = true);
    out.push({ labels: { ...labels, id: d.cgroupPath, image: d.image }, startTimeSeconds: createdAtNs / 1e9, stats });
  };
  for (const s of ready) {
    const path = podCgroups.get(s.labels[POD_UID] ?? '');
    const createdAtMs = path === undefined ? undefined : cgroupCreatedAtMs(path);
    if (path !== undefined && createdAtMs !== undefined) {
      add({ cgroupPath: path, image: '' }, { container: '', name: '', namespace: s.labels[POD_NAMESPACE] ?? '', pod: s.labels[POD_NAME] ?? '' }, createdAtMs * 1e6);
    }
    add(await cache.sandbox(s.id), { container: '', name: s.id, namespace: s.labels[POD_NAMESPACE] ?? '', pod: s.labels[POD_NAME] ?? '' }, s.createdAt);
  }
  for (const c of running) {
    add(await cache.container(c.id), { container: c.labels[CONTAINER_NAME] ?? c.metadata?.name ?? '', name: c.id, namespace: c.labels[POD_NAMESPACE] ?? '', pod: c.labels[POD_NAME] ?? '' }, c.createdAt);
  }
  return { cgroups: out, failed };
}

/** The exposition of the cgroups' readings, taken at `readAtMs`. */
export async function cadvisorMetrics(cgroups: WatchedCgroup[], failed: boolean, readAtMs: number): Promise<string> {
  const usage = new Registry();
  const spec = new Registry();
  const cpu = new Counter({ name: 'container_cpu_usage_seconds_total', help: 'Cumulative cpu time consumed in seconds.', labelNames: [...LABELS, 'cpu'], registers: [usage] });
  const gauge = (name: string, help: string, registry = usage) => new Gauge({ name, help, labelNames: LABELS, registers: [registry] });
  const memUsage = gauge('container_memory_usage_bytes', 'Current memory usage in bytes, including all memory regardless of when it was accessed');
  const workingSet = gauge('container_memory_working_set_bytes', 'Current working set in bytes.');
  const rss = gauge('container_memory_rss', 'Size of RSS in bytes.');
  const cache = gauge('container_memory_cache', 'Number of bytes of page cache memory.');
  const limit = gauge('container_spec_memory_limit_bytes', 'Memory limit for the container.', spec);
  const start = gauge('container_start_time_seconds', 'Start time of the container since unix epoch in seconds.', spec);
  new Gauge({ name: 'container_scrape_error', help: '1 if there was an error while getting container metrics, 0 otherwise', registers: [usage] }).set(failed ? 1 : 0);
  for (const { labels, stats, startTimeSeconds } of cgroups) {
    // cAdvisor leaves out a CPU counter still at zero.
    if (stats.cpuUsageNanoseconds) cpu.inc({ ...labels, cpu: 'total' }, stats.cpuUsageNanoseconds / 1e9);
    const m = stats.memory;
    if (m) {
      memUsage.set(labels, m.usageBytes);
      workingSet.set(labels, m.workingSetBytes);
      rss.set(labels, m.rssBytes);
      cache.set(labels, m.cacheBytes);
      // cAdvisor's "unlimited" is 0.
      limit.set(labels, m.limitBytes ?? 0);
    }
    if (startTimeSeconds !== undefined) start.set(labels, startTimeSeconds);
  }
  return `${await exposition(usage, readAtMs)}${await exposition(spec)}`;
}
