// Reading the resource metrics API (metrics.k8s.io/v1beta1 PodMetrics) into per-pod readings, as
// upstream's resource metrics client does: a pod's value is the sum over its containers, or one
// named container's value for ContainerResource metrics.
import { parseGoDuration } from '../../util/go-duration.js';
import { parseMilli } from '../../api/quantity.js';
import type { PodMetrics } from '../../api/resource-metrics.js';
import type { PodMetricsInfo } from './types.js';

/** A quantity in milli-units (rounded up, as Quantity.MilliValue), the unit every reading is kept in. */
export const milliOf = (q: string | number): number => Number(parseMilli(q));

/** Metrics could not be read from the API (the message is upstream's). */
export class MetricsFetchError extends Error {}


/** Milliseconds of a metav1.Duration ("30s", "1m0s"). */
const windowMs = (text: string): number => Number(parseGoDuration(text) / 1_000_000n);

/**
 * Per-pod readings of `resource`. A pod lacking the resource in any container is left out (so it
 * counts as missing); a pod lacking the named container is an error.
 */
export function resourceMetricsOf(items: PodMetrics[], resource: string, container = ''): PodMetricsInfo {
  const metrics: PodMetricsInfo = new Map();
  for (const m of items) {
    const name = m.metadata.name ?? '';
    const reading = (value: number) => ({ timestampMs: Date.parse(m.timestamp), windowMs: windowMs(m.window), value });
    // Usage names cpu and memory today; any other resource is simply absent.
    const usage = (c: PodMetrics['containers'][number]) => (c.usage as Record<string, string | undefined>)[resource];
    if (container) {
      const c = m.containers.find(c => c.name === container);
      if (!c) throw new MetricsFetchError(`failed to get container metrics: container ${container} not present in metrics for pod ${m.metadata.namespace}/${name}`);
      const value = usage(c);
      if (value !== undefined) metrics.set(name, reading(milliOf(value)));
      continue;
    }
    const values = m.containers.map(usage);
    if (!values.length || values.some(v => v === undefined)) continue;
    metrics.set(name, reading(values.reduce((sum, v) => sum + milliOf(v!), 0)));
  }
  return metrics;
}
