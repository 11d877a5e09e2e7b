// The metrics API's collector, as metrics-server's scraper: every resolution (15 s by default) it
// reads /metrics/resource from the kubelet of every Ready node at once, each read bounded by 90 % of
// the resolution, and stores the cycle's readings. A node that does not answer is left out of that
// cycle (and logged once until it answers again), as metrics-server leaves it out. Simulated nodes
// (`k8ts sim-nodes`) have no kubelet behind their addresses and are not asked.
import { isTrue } from '../../api/conditions.js';
import { SIMULATED_NODE_ANNOTATION } from '../../api/node-object.js';
import type { Node } from '../../api/types/generated.js';
import { decodeResourceMetrics, type NodeReadings } from './resource-metrics-text.js';
import type { UsageStore } from './usage-store.js';

export interface ScraperOptions {
  /** The nodes known now. */
  nodes: () => Node[];
  /** A node's kubelet /metrics/resource, read within `timeoutMs`. */
  read: (node: Node, timeoutMs: number) => Promise<string>;
  store: UsageStore;
  resolutionMs: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export class ResourceScraper {
  private timer?: NodeJS.Timeout;
  private running = false;
  /** Nodes whose last scrape failed: a node down for an hour is one log line, not 240. */
  private readonly failing = new Set<string>();

  constructor(private readonly o: ScraperOptions) {}

  start(): void {
    this.running = true;
    void this.tick();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  private async tick(): Promise<void> {
    const started = Date.now();
    await this.cycle();
    if (!this.running) return;
    // Cycles start a resolution apart (a slow cycle delays the next, never overlaps it).
    this.timer = setTimeout(() => void this.tick(), Math.max(0, this.o.resolutionMs - (Date.now() - started)));
    this.timer.unref();
  }

  /** One collection from every Ready node. */
  async cycle(): Promise<void> {
    const cycleMs = Date.now();
    const timeoutMs = Math.floor(this.o.resolutionMs * 0.9);
    const ready = this.o.nodes().filter(n => isTrue(n.status?.conditions, 'Ready') && n.metadata?.annotations?.[SIMULATED_NODE_ANNOTATION] !== 'true');
    const readings = new Map<string, NodeReadings>();
    await Promise.all(ready.map(async node => {
      const name = node.metadata?.name ?? '';
      try {
        const text = await this.o.read(node, timeoutMs);
        readings.set(name, decodeResourceMetrics(text, Date.now()));
        if (this.failing.delete(name)) this.o.log?.('scraping node again', { node: name });
      } catch (err) {
        if (!this.failing.has(name)) this.o.log?.('failed to scrape node', { node: name, error: (err as Error).message });
        this.failing.add(name);
      }
    }));
    const asked = new Set(ready.map(n => n.metadata?.name ?? ''));
    for (const name of this.failing) if (!asked.has(name)) this.failing.delete(name);
    this.o.store.store(readings, cycleMs);
  }
}
