// kubelet_volume_stats_* on the kubelet's /metrics, one series per claim (namespace,
// persistentvolumeclaim), as upstream's volume stats collector exports them. The drivers are asked
// once per scrape (the six gauges share the answer) and only when the endpoint is scraped.
import { Gauge, type Registry } from '../../metrics/registry.js';
import type { ClaimVolumeStats } from '../volumes/volume-stats.js';

const METRICS: [name: string, help: string, value: (s: ClaimVolumeStats) => number][] = [
  ['kubelet_volume_stats_capacity_bytes', 'Capacity in bytes of the volume', s => s.capacityBytes],
  ['kubelet_volume_stats_available_bytes', 'Number of available bytes in the volume', s => s.availableBytes],
  ['kubelet_volume_stats_used_bytes', 'Number of used bytes in the volume', s => s.usedBytes],
  ['kubelet_volume_stats_inodes', 'Maximum number of inodes in the volume', s => s.inodes],
  ['kubelet_volume_stats_inodes_free', 'Number of free inodes in the volume', s => s.inodesFree],
  ['kubelet_volume_stats_inodes_used', 'Number of used inodes in the volume', s => s.inodesUsed],
];

/** Answers within this long of each other belong to one scrape. */
const SCRAPE_WINDOW_MS = 1000;

export function registerVolumeStatsMetrics(registry: Registry, source: () => Promise<ClaimVolumeStats[]>): void {
  let last: { at: number; stats: Promise<ClaimVolumeStats[]> } | undefined;
  const stats = () => {
    if (!last || Date.now() - last.at > SCRAPE_WINDOW_MS) last = { at: Date.now(), stats: source().catch(() => []) };
    return last.stats;
  };
  for (const [name, help, value] of METRICS) {
    new Gauge({
      name, help: `[ALPHA] ${help}`, labelNames: ['namespace', 'persistentvolumeclaim'], registers: [registry],
      async collect() {
        // Claims that went away since the last scrape must not linger.
        this.reset();
        for (const s of await stats()) this.set({ namespace: s.namespace, persistentvolumeclaim: s.persistentvolumeclaim }, value(s));
      },
    });
  }
}
