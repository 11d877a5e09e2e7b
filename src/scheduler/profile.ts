// One scheduling profile (spec.schedulerName): its plugins at each extension point, score weights,
// and the runners that call them in upstream's order with upstream's short-circuits.
import { CycleState, type Plugin, type Status } from './framework.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import type { ClusterEvent, QueuedPodInfo } from './queue.js';
import type { Pod } from './types.js';

export interface ProfileConfig {
  schedulerName: string;
  plugins: Plugin[];
  /** Score weight per plugin name (default 1). */
  weights: Record<string, number>;
}

export class Profile {
  readonly name: string;
  private readonly filters: Plugin[];
  private readonly scorers: Plugin[];

  constructor(readonly config: ProfileConfig) {
    this.name = config.schedulerName;
    this.filters = config.plugins.filter(p => p.filter);
    this.scorers = config.plugins.filter(p => p.score);
  }

  get plugins(): Plugin[] {
    return this.config.plugins;
  }

  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
    const sorter = this.config.plugins.find(p => p.less);
    return sorter ? sorter.less!(a, b) : a.timestamp < b.timestamp;
  }

  preEnqueue(pod: Pod): Status | null {
    for (const p of this.config.plugins) {
      const st = p.preEnqueue?.(pod);
      if (st) return { ...st, plugin: p.name };
    }
    return null;
  }

  interested(plugin: string, event: ClusterEvent): boolean {
    const p = this.config.plugins.find(x => x.name === plugin);
    return !p?.events || p.events.includes(event.resource);
  }

  /** PreFilter: the first rejection ends the cycle; SKIP drops that plugin's Filter. */
  runPreFilter(s: CycleState, pod: PodInfo, nodes: NodeInfo[]): Status | null {
    let skipped: Set<Plugin> | undefined;
    const rec = s.pluginMetrics;
    for (const p of this.config.plugins) {
      if (!p.preFilter) continue;
      const t = rec ? performance.now() : 0;
      const st = p.preFilter(s, pod, nodes);
      rec?.observe(p.name, 'PreFilter', st, t);
      if (!st) continue;
      if (st.code === 'Skip') (skipped ??= new Set()).add(p);
      else return { ...st, plugin: p.name };
    }
    s.filters = skipped ? this.filters.filter(p => !skipped.has(p)) : this.filters;
    return null;
  }

  /** Filter: the first plugin to reject the node decides its status. */
  runFilter(s: CycleState, pod: PodInfo, node: NodeInfo): Status | null {
    const filters = s.filters ?? this.filters;
    const rec = s.pluginMetrics;
    for (let i = 0; i < filters.length; i++) {
      const t = rec ? performance.now() : 0;
      const st = filters[i].filter!(s, pod, node);
      rec?.observe(filters[i].name, 'Filter', st, t);
      if (st) return st.plugin ? st : { ...st, plugin: filters[i].name };
    }
    return null;
  }

  /** PreScore, Score, NormalizeScore and weights: the total per node, aligned with `nodes`. */
  runScore(s: CycleState, pod: PodInfo, nodes: NodeInfo[]): Float64Array {
    const total = new Float64Array(nodes.length);
    const scores = new Float64Array(nodes.length);
    const rec = s.pluginMetrics;
    for (const p of this.scorers) {
      if (p.preScore) {
        const t = rec ? performance.now() : 0;
        const st = p.preScore(s, pod, nodes);
        rec?.observe(p.name, 'PreScore', st, t);
        if (st?.code === 'Skip') continue;
      }
      if (rec) {
        for (let i = 0; i < nodes.length; i++) {
          const t = performance.now();
          scores[i] = p.score!(s, pod, nodes[i]);
          rec.observe(p.name, 'Score', null, t);
        }
      } else {
        for (let i = 0; i < nodes.length; i++) scores[i] = p.score!(s, pod, nodes[i]);
      }
      if (p.normalizeScore) {
        const t = rec ? performance.now() : 0;
        p.normalizeScore(s, pod, scores, nodes);
        rec?.observe(p.name, 'NormalizeScore', null, t);
      }
      const w = this.config.weights[p.name] ?? 1;
      for (let i = 0; i < nodes.length; i++) total[i] += scores[i] * w;
    }
    return total;
  }

  runReserve(s: CycleState, pod: PodInfo, node: string): Status | null {
    const rec = s.pluginMetrics;
    for (const p of this.config.plugins) {
      if (!p.reserve) continue;
      const t = rec ? performance.now() : 0;
      const st = p.reserve(s, pod, node);
      rec?.observe(p.name, 'Reserve', st, t);
      if (st) {
        this.runUnreserve(s, pod, node);
        return { ...st, plugin: p.name };
      }
    }
    return null;
  }

  /** PreBind: the first failure stops binding (the caller unreserves). */
  async runPreBind(s: CycleState, pod: PodInfo, node: string): Promise<Status | null> {
    const rec = s.pluginMetrics;
    for (const p of this.config.plugins) {
      if (!p.preBind) continue;
      const t = rec ? performance.now() : 0;
      const st = await p.preBind(s, pod, node);
      rec?.observe(p.name, 'PreBind', st, t);
      if (st) return { ...st, plugin: p.name };
    }
    return null;
  }

  runUnreserve(s: CycleState, pod: PodInfo, node: string): void {
    for (const p of [...this.config.plugins].reverse()) p.unreserve?.(s, pod, node);
  }
}

export { CycleState };
