// A small Prometheus registry: counters, gauges and histograms with labels, rendered in the text
// exposition format every component serves at /metrics.

type Labels = Record<string, string>;

interface Metric {
  render(): string;
}

function labelKey(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  return keys.map(k => `${k}="${escapeLabelValue(String(labels[k]))}"`).join(',');
}

// Runs for every label of every request; values rarely need escaping.
const NEEDS_ESCAPE = /[\\"\n]/;

function escapeLabelValue(v: string): string {
  if (!NEEDS_ESCAPE.test(v)) return v;
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function header(name: string, help: string, type: string): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n`;
}

export class Counter implements Metric {
  private readonly values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string) {}
  inc(labels: Labels = {}, by = 1): void {
    const k = labelKey(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  render(): string {
    let out = header(this.name, this.help, 'counter');
    for (const [k, v] of this.values) out += `${this.name}${k ? `{${k}}` : ''} ${v}\n`;
    return out;
  }
}

export class Gauge implements Metric {
  private readonly values = new Map<string, number | (() => number)>();
  constructor(readonly name: string, readonly help: string) {}
  set(value: number | (() => number), labels: Labels = {}): void {
    this.values.set(labelKey(labels), value);
  }
  render(): string {
    let out = header(this.name, this.help, 'gauge');
    for (const [k, v] of this.values) out += `${this.name}${k ? `{${k}}` : ''} ${typeof v === 'function' ? v() : v}\n`;
    return out;
  }
}

export class Histogram implements Metric {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly help: string, readonly buckets: number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]) {}
  observe(value: number, labels: Labels = {}): void {
    const k = labelKey(labels);
    let s = this.series.get(k);
    if (!s) this.series.set(k, (s = { counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]) s.counts[i]++;
    s.sum += value;
    s.count++;
  }
  render(): string {
    let out = header(this.name, this.help, 'histogram');
    for (const [k, s] of this.series) {
      const pre = k ? `${k},` : '';
      this.buckets.forEach((b, i) => { out += `${this.name}_bucket{${pre}le="${b}"} ${s.counts[i]}\n`; });
      out += `${this.name}_bucket{${pre}le="+Inf"} ${s.count}\n`;
      out += `${this.name}_sum${k ? `{${k}}` : ''} ${s.sum}\n${this.name}_count${k ? `{${k}}` : ''} ${s.count}\n`;
    }
    return out;
  }
}

export class MetricsRegistry {
  private readonly metrics: Metric[] = [];

  counter(name: string, help: string): Counter { return this.add(new Counter(name, help)); }
  gauge(name: string, help: string): Gauge { return this.add(new Gauge(name, help)); }
  histogram(name: string, help: string, buckets?: number[]): Histogram { return this.add(new Histogram(name, help, buckets)); }

  /** Process-level gauges every component exposes. */
  withProcessMetrics(): this {
    this.gauge('process_resident_memory_bytes', 'Resident memory size in bytes.').set(() => process.memoryUsage().rss);
    this.gauge('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.').set(Math.floor(Date.now() / 1000 - process.uptime()));
    this.gauge('nodejs_heap_used_bytes', 'V8 heap in use, bytes.').set(() => process.memoryUsage().heapUsed);
    return this;
  }

  render(): string {
    return this.metrics.map(m => m.render()).join('');
  }

  private add<T extends Metric>(m: T): T {
    this.metrics.push(m);
    return m;
  }
}
