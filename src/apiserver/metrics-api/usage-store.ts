// The metrics API's memory, as metrics-server's storage: for the node and every container, the
// last two cumulative readings, from which usage is a rate. CPU usage is the CPU time used between
// the two readings divided by the time between them (the window); memory is the last working set.
// A container that restarted between readings (its CPU counter reset) is measured from its start.
import type { ContainerPoint, NodeReadings, UsagePoint } from './resource-metrics-text.js';

export interface Usage {
  /** CPU cores used over the window, in nanocores. */
  cpuNanoCores: number;
  memoryBytes: number;
}

export interface TimedUsage {
  /** When the last reading was taken. */
  timestampMs: number;
  /** The time between the two readings the rate is over. */
  windowMs: number;
}

export interface NodeUsage extends TimedUsage {
  usage: Usage;
}

export interface PodUsage extends TimedUsage {
  containers: { name: string; usage: Usage }[];
}

interface Pair {
  prev?: UsagePoint;
  last: UsagePoint;
}

export class UsageStore {
  private nodes = new Map<string, Pair>();
  /** By `namespace/pod`, then container name. */
  private pods = new Map<string, Map<string, Pair>>();
  /** When the previous cycle's readings were stored: containers started since have no earlier reading. */
  private previousCycleMs?: number;

  /**
   * One scrape cycle's readings, by node name. What a cycle no longer reports (a node that did
   * not answer, a pod that is gone) is forgotten, as metrics-server forgets it.
   */
  store(readings: Map<string, NodeReadings>, cycleMs: number): void {
    const nodes = new Map<string, Pair>();
    const pods = new Map<string, Map<string, Pair>>();
    for (const [name, r] of readings) {
      if (r.node) nodes.set(name, next(this.nodes.get(name), r.node, undefined));
      for (const c of r.containers) {
        const key = `${c.namespace}/${c.pod}`;
        let pod = pods.get(key);
        if (!pod) pods.set(key, (pod = new Map()));
        pod.set(c.container, next(this.pods.get(key)?.get(c.container), c, this.previousCycleMs));
      }
    }
    this.nodes = nodes;
    this.pods = pods;
    this.previousCycleMs = cycleMs;
  }

  node(name: string): NodeUsage | undefined {
    const pair = this.nodes.get(name);
    return pair && rate(pair);
  }

  /** A pod's usage, only when every container it reports has a rate (metrics-server's rule). */
  pod(namespace: string, name: string): PodUsage | undefined {
    const containers = this.pods.get(`${namespace}/${name}`);
    if (!containers?.size) return undefined;
    const out: PodUsage = { timestampMs: 0, windowMs: 0, containers: [] };
    for (const [container, pair] of containers) {
      const r = rate(pair);
      if (!r) return undefined;
      if (r.timestampMs > out.timestampMs) Object.assign(out, { timestampMs: r.timestampMs, windowMs: r.windowMs });
      out.containers.push({ name: container, usage: r.usage });
    }
    out.containers.sort((a, b) => a.name.localeCompare(b.name));
    return out;
  }
}

/** The pair after a new reading `cur`. */
function next(old: Pair | undefined, cur: UsagePoint | ContainerPoint, previousCycleMs: number | undefined): Pair {
  const started = cur.startTimeMs;
  const fromStart: UsagePoint | undefined = started !== undefined ? { timestampMs: started, cpuSeconds: 0, memoryBytes: 0 } : undefined;
  if (!old) {
    // New since the last cycle: its start is the earlier reading (zero CPU used then).
    const isNew = fromStart && previousCycleMs !== undefined && started! > previousCycleMs && started! < cur.timestampMs;
    return { prev: isNew ? fromStart : undefined, last: cur };
  }
  // The kubelet answered with the reading it had already given: nothing new.
  if (cur.timestampMs === old.last.timestampMs) return old;
  if (cur.timestampMs < old.last.timestampMs) return { last: cur };
  const restarted = (started !== undefined && started > old.last.timestampMs) || cur.cpuSeconds < old.last.cpuSeconds;
  if (restarted) return { prev: fromStart && started! < cur.timestampMs ? fromStart : undefined, last: cur };
  return { prev: old.last, last: cur };
}

function rate(pair: Pair): NodeUsage | undefined {
  const { prev, last } = pair;
  if (!prev) return undefined;
  const windowMs = last.timestampMs - prev.timestampMs;
  if (windowMs <= 0 || last.cpuSeconds < prev.cpuSeconds) return undefined;
  const cpuNanoCores = Math.floor(((last.cpuSeconds - prev.cpuSeconds) * 1e9) / (windowMs / 1000));
  return { timestampMs: last.timestampMs, windowMs, usage: { cpuNanoCores, memoryBytes: Math.round(last.memoryBytes) } };
}
