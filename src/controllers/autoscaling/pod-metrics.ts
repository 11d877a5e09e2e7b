// Reading the resource metrics API (metrics.k8s.io/v1beta1 PodMetrics) into per-pod readings, as
// upstream's resource metrics client does: a pod's value is the sum over its containers, or one
// named container's value for ContainerResource metrics.
import { parseGoDuration } from '../../api/cron-schedule.js';
import { milliValue, parseQuantity } from '../../api/quantity.js';
import type { PodMetricsInfo } from './types.js';

/**
 * What the autoscaler reads of a metrics.k8s.io/v1beta1 PodMetrics (that API is served by an
 * aggregated server and is not part of the OpenAPI the generated types come from).
 */
export interface PodMetricsItem {
  metadata: { name?: string; namespace?: string };
  timestamp: string;
  window: string;
  containers: { name: string; usage: Record<string, string | number> }[];
}

/** Metrics could not be read from the API (the message is upstream's). */
export class MetricsFetchError extends Error {}

const milli = (q: string | number): number => Number(milliValue(parseQuantity(q)));

/** Milliseconds of a metav1.Duration ("30s", "1m0s"). */
const windowMs = (text: string): number => Number(parseGoDuration(text) / 1_000_000n);

/**
 * Per-pod readings of `resource` and the first item's timestamp. A pod lacking the resource in any
 * container is left out (so it counts as missing); a pod lacking the named container is an error.
 */
export function resourceMetricsOf(items: PodMetricsItem[], resource: string, container = ''): { metrics: PodMetricsInfo; timestampMs: number } {
  if (!items.length) throw new MetricsFetchError('no metrics returned from resource metrics API');
  const metrics: PodMetricsInfo = new Map();
  for (const m of items) {
    const name = m.metadata.name ?? '';
    const reading = (value: number) => ({ timestampMs: Date.parse(m.timestamp), windowMs: windowMs(m.window), value });
    if (container) {
      const c = m.containers.find(c => c.name === container);
      if (!c) throw new MetricsFetchError(`failed to get container metrics: container ${container} not present in metrics for pod ${m.metadata.namespace}/${name}`);
      if (c.usage[resource] !== undefined) metrics.set(name, reading(milli(c.usage[resource])));
      continue;
    }
    if (!m.containers.length || m.containers.some(c => c.usage[resource] === undefined)) continue;
    metrics.set(name, reading(m.containers.reduce((sum, c) => sum + milli(c.usage[resource]), 0)));
  }
  return { metrics, timestampMs: Date.parse(items[0].timestamp) };
}
