// Reads a kubelet's /metrics/resource (Prometheus text) into the cumulative readings the metrics API
// keeps, as metrics-server's decoder does: the node's and each container's CPU time and working
// set, and each container's start time. A sample without a timestamp is taken as read at the
// scrape. Lines it does not need, or cannot read, are skipped: one bad series does not lose a node.

/** One cumulative reading: CPU seconds used since start, and the working set at that moment. */
export interface UsagePoint {
  timestampMs: number;
  cpuSeconds: number;
  memoryBytes: number;
  /** When the container (or node) started; a restart resets its CPU counter. */
  startTimeMs?: number;
}

export interface ContainerPoint extends UsagePoint {
  namespace: string;
  pod: string;
  container: string;
}

export interface NodeReadings {
  node?: UsagePoint;
  containers: ContainerPoint[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+(-?\d+))?\s*$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/y;

interface Partial {
  cpuSeconds?: number;
  memoryBytes?: number;
  startTimeMs?: number;
  timestampMs?: number;
}

export function decodeResourceMetrics(text: string, scrapedAtMs: number): NodeReadings {
  const node: Partial = {};
  const containers = new Map<string, Partial & { namespace: string; pod: string; container: string }>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const [, name, labelText = '', valueText, timestamp] = m;
    const value = Number(valueText);
    if (!Number.isFinite(value) || value < 0) continue;
    const at = timestamp !== undefined ? Number(timestamp) : scrapedAtMs;
    if (name === 'node_cpu_usage_seconds_total') Object.assign(node, { cpuSeconds: value, timestampMs: at });
    else if (name === 'node_memory_working_set_bytes') node.memoryBytes = value;
    else if (name.startsWith('container_')) {
      const labels = parseLabels(labelText);
      if (!labels?.namespace || !labels.pod || !labels.container) continue;
      const key = `${labels.namespace}/${labels.pod}/${labels.container}`;
      let c = containers.get(key);
      if (!c) containers.set(key, (c = { namespace: labels.namespace, pod: labels.pod, container: labels.container }));
      if (name === 'container_cpu_usage_seconds_total') Object.assign(c, { cpuSeconds: value, timestampMs: at });
      else if (name === 'container_memory_working_set_bytes') c.memoryBytes = value;
      else if (name === 'container_start_time_seconds') c.startTimeMs = value * 1000;
    }
  }
  return {
    node: complete(node),
    // A container is known only with both readings, as metrics-server requires.
    containers: [...containers.values()].flatMap(c => {
      const point = complete(c);
      return point ? [{ ...point, namespace: c.namespace, pod: c.pod, container: c.container }] : [];
    }),
  };
}

function complete(p: Partial): UsagePoint | undefined {
  if (p.cpuSeconds === undefined || p.memoryBytes === undefined || p.timestampMs === undefined) return undefined;
  return { timestampMs: p.timestampMs, cpuSeconds: p.cpuSeconds, memoryBytes: p.memoryBytes, ...(p.startTimeMs !== undefined ? { startTimeMs: p.startTimeMs } : {}) };
}

function parseLabels(text: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  LABEL.lastIndex = 0;
  let consumed = 0;
  for (let m; (m = LABEL.exec(text)); consumed = LABEL.lastIndex) out[m[1]] = m[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  return consumed === text.trim().length || consumed === text.length ? out : undefined;
}
