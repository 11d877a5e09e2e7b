// kubelet_volume_stats_* in the Prometheus text format, one series per claim (namespace,
// persistentvolumeclaim), as upstream's volume stats collector exports them on /metrics.
import { MetricsRegistry } from '../../metrics/registry.js';
import type { ClaimVolumeStats } from '../volumes/volume-stats.js';

const METRICS: [name: string, help: string, value: (s: ClaimVolumeStats) => number][] = [
  ['kubelet_volume_stats_capacity_bytes', 'Capacity in bytes of the volume', s => s.capacityBytes],
  ['kubelet_volume_stats_available_bytes', 'Number of available bytes in the volume', s => s.availableBytes],
  ['kubelet_volume_stats_used_bytes', 'Number of used bytes in the volume', s => s.usedBytes],
  ['kubelet_volume_stats_inodes', 'Maximum number of inodes in the volume', s => s.inodes],
  ['kubelet_volume_stats_inodes_free', 'Number of free inodes in the volume', s => s.inodesFree],
  ['kubelet_volume_stats_inodes_used', 'Number of used inodes in the volume', s => s.inodesUsed],
];

export function renderVolumeStats(stats: ClaimVolumeStats[]): string {
  if (stats.length === 0) return '';
  const registry = new MetricsRegistry();
  for (const [name, help, value] of METRICS) {
    const gauge = registry.gauge(name, `[ALPHA] ${help}`);
    for (const s of stats) gauge.set(value(s), { namespace: s.namespace, persistentvolumeclaim: s.persistentvolumeclaim });
  }
  return registry.render();
}
