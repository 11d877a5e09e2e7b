// The replica count a resource metric asks for (upstream's replica_calculator.go), pure: the pods
// of the target and their metric readings in, a proposal out. Pods still starting, unready or
// without readings are left out of the first estimate; if that estimate moves the count, they are
// counted in at the value least favourable to the move (0 % on a scale-up, 100 % of the request —
// or the target if higher — on a scale-down), and a change of direction cancels the move.
import { findCondition } from '../../api/conditions.js';
import { errorMessage } from '../../util/error-message.js';
import { milliOf } from './pod-metrics.js';
import type { Pod, PodMetricsInfo } from './types.js';

export interface CalculatorOptions {
  /** Ratios within 1 ± tolerance leave the count as it is (--horizontal-pod-autoscaler-tolerance). */
  tolerance: number;
  /** After a pod starts, its CPU readings count only once it is ready and a window has passed since. */
  cpuInitializationPeriodMs: number;
  /** An unready pod that has never been ready within this long of its start is left out. */
  delayOfInitialReadinessStatusMs: number;
}

export const DEFAULT_CALCULATOR_OPTIONS: CalculatorOptions = {
  tolerance: 0.1,
  cpuInitializationPeriodMs: 5 * 60_000,
  delayOfInitialReadinessStatusMs: 30_000,
};

/** A proposal could not be computed (the message is upstream's). */
export class ReplicaCalculationError extends Error {}

export interface PodGroups {
  readyPodCount: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

/** Sorts the pods: ignored (deleted or failed), unready (pending, or CPU not yet trustworthy), missing a reading, or ready. */
export function groupPods(pods: Pod[], metrics: PodMetricsInfo, resource: string, opts: CalculatorOptions, now: number): PodGroups {
  const groups: PodGroups = { readyPodCount: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const pod of pods) {
    const name = pod.metadata.name ?? '';
    if (pod.metadata.deletionTimestamp || pod.status?.phase === 'Failed') {
      groups.ignored.add(name);
      continue;
    }
    if (pod.status?.phase === 'Pending') {
      groups.unready.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      groups.missing.add(name);
      continue;
    }
    if (resource === 'cpu' && cpuUnready(pod, metric.timestampMs, metric.windowMs, opts, now)) {
      groups.unready.add(name);
      continue;
    }
    groups.readyPodCount++;
  }
  return groups;
}

/** Whether a pod's CPU reading is not to be trusted yet (startup bursts distort it). */
function cpuUnready(pod: Pod, metricAt: number, windowMs: number, opts: CalculatorOptions, now: number): boolean {
  const ready = findCondition(pod.status?.conditions, 'Ready');
  const startTime = pod.status?.startTime;
  if (!ready || !startTime) return true;
  const started = Date.parse(startTime);
  const transition = ready.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : 0;
  if (started + opts.cpuInitializationPeriodMs > now) {
    // Still initializing: unready, or no full window of readings since it last changed readiness.
    return ready.status === 'False' || metricAt < transition + windowMs;
  }
  // Past initialization: left out only if unready and never ready since shortly after starting.
  return ready.status === 'False' && started + opts.delayOfInitialReadinessStatusMs > transition;
}

/**
 * Each pod's request of `resource` in milli-units: the sum over its containers (and restartable
 * init containers), or just the named container's.
 */
export function podRequests(pods: Pod[], container: string, resource: string): Map<string, number> {
  const requests = new Map<string, number>();
  for (const pod of pods) {
    const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter(c => c.restartPolicy === 'Always')];
    let sum = 0;
    for (const c of containers) {
      if (container && c.name !== container) continue;
      const request = c.resources?.requests?.[resource];
      if (request === undefined) throw new ReplicaCalculationError(`missing request for ${resource} in container ${c.name} of Pod ${pod.metadata.name}`);
      sum += milliOf(request);
    }
    requests.set(pod.metadata.name ?? '', sum);
  }
  return requests;
}

export interface Utilization {
  ratio: number;
  /** Percentage of the requests used (rounded down). */
  utilization: number;
  /** Average reading per pod, milli-units (rounded down). */
  rawAverage: number;
}

/** Usage over requests, of the pods that have both, against the target percentage. */
export function resourceUtilizationRatio(metrics: PodMetricsInfo, requests: Map<string, number>, targetUtilization: number): Utilization {
  let metricsTotal = 0;
  let requestsTotal = 0;
  let entries = 0;
  for (const [pod, metric] of metrics) {
    const request = requests.get(pod);
    // A reading for a pod not in the list is extraneous; pods without a request were refused earlier.
    if (request === undefined) continue;
    metricsTotal += metric.value;
    requestsTotal += request;
    entries++;
  }
  if (requestsTotal === 0) throw new ReplicaCalculationError('no metrics returned matched known pods');
  const utilization = Math.floor((metricsTotal * 100) / requestsTotal);
  return { ratio: utilization / targetUtilization, utilization, rawAverage: Math.floor(metricsTotal / entries) };
}

/** The average reading against a target average, milli-units. */
export function metricUsageRatio(metrics: PodMetricsInfo, targetUsage: number): { ratio: number; usage: number } {
  let total = 0;
  for (const m of metrics.values()) total += m.value;
  const usage = Math.floor(total / metrics.size);
  return { ratio: usage / targetUsage, usage };
}

export interface ResourceInput {
  currentReplicas: number;
  resource: string;
  /** For ContainerResource metrics; '' for the whole pod. */
  container: string;
  /** The target's pods (its scale selector's, in its namespace). */
  pods: Pod[];
  metrics: PodMetricsInfo;
  now: number;
}

/** Readings of pods that count, or the error upstream gives when no pod does. */
function countedMetrics(input: ResourceInput, opts: CalculatorOptions): { metrics: PodMetricsInfo; groups: PodGroups } {
  if (!input.pods.length) throw new ReplicaCalculationError('no pods returned by selector while calculating replica count');
  const groups = groupPods(input.pods, input.metrics, input.resource, opts, input.now);
  const metrics = new Map(input.metrics);
  for (const name of [...groups.ignored, ...groups.unready]) metrics.delete(name);
  if (!metrics.size) throw new ReplicaCalculationError('did not receive metrics for targeted pods (pods might be unready)');
  return { metrics, groups };
}

/**
 * Once the first estimate moves the count: fills in the pods left out (`fill` gives a missing pod's
 * assumed reading on a scale-down), recomputes the ratio with them, and keeps the current count if
 * the change would now be within tolerance or reverse direction.
 */
function withLeftOutPods(input: ResourceInput, opts: CalculatorOptions, counted: { metrics: PodMetricsInfo; groups: PodGroups }, ratio: number,
  recompute: (metrics: PodMetricsInfo) => number, missingOnScaleDown: (pod: string) => number): number {
  const { metrics, groups } = counted;
  const scaleUpWithUnready = groups.unready.size > 0 && ratio > 1;
  if (!scaleUpWithUnready && !groups.missing.size) {
    if (Math.abs(1 - ratio) <= opts.tolerance) return input.currentReplicas;
    return Math.ceil(ratio * groups.readyPodCount);
  }
  const assumed = (value: number) => ({ timestampMs: input.now, windowMs: 0, value });
  if (ratio < 1) for (const pod of groups.missing) metrics.set(pod, assumed(missingOnScaleDown(pod)));
  else if (ratio > 1) for (const pod of groups.missing) metrics.set(pod, assumed(0));
  if (scaleUpWithUnready) for (const pod of groups.unready) metrics.set(pod, assumed(0));
  const newRatio = recompute(metrics);
  if (Math.abs(1 - newRatio) <= opts.tolerance || (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1)) return input.currentReplicas;
  const replicas = Math.ceil(newRatio * metrics.size);
  // Counting more pods must not turn a scale-down into growth or a scale-up into shrinking.
  if ((newRatio < 1 && replicas > input.currentReplicas) || (newRatio > 1 && replicas < input.currentReplicas)) return input.currentReplicas;
  return replicas;
}

/** Replicas for a target utilization (percentage of the pods' requests). */
export function resourceReplicas(input: ResourceInput, targetUtilization: number, opts: CalculatorOptions): { replicas: number } & Utilization {
  const counted = countedMetrics(input, opts);
  const requests = podRequests(input.pods, input.container, input.resource);
  const current = resourceUtilizationRatio(counted.metrics, requests, targetUtilization);
  const fallback = Math.max(100, targetUtilization);
  const replicas = withLeftOutPods(input, opts, counted, current.ratio,
    m => resourceUtilizationRatio(m, requests, targetUtilization).ratio,
    pod => Math.floor(((requests.get(pod) ?? 0) * fallback) / 100));
  return { replicas, ...current };
}

/** Replicas for a target average value per pod (milli-units), of a resource or any per-pod metric. */
export function plainMetricReplicas(input: ResourceInput, targetUsage: number, opts: CalculatorOptions): { replicas: number; usage: number } {
  const counted = countedMetrics(input, opts);
  const current = metricUsageRatio(counted.metrics, targetUsage);
  // On a scale-down a pod without a reading is taken to use exactly the target.
  const replicas = withLeftOutPods(input, opts, counted, current.ratio, m => metricUsageRatio(m, targetUsage).ratio, () => targetUsage);
  return { replicas, usage: current.usage };
}

/** Pods running and ready (upstream getReadyPodsCount). */
export function readyPodCount(pods: Pod[]): number {
  if (!pods.length) throw new ReplicaCalculationError('no pods returned by selector while calculating replica count');
  return pods.filter(p => p.status?.phase === 'Running' && findCondition(p.status?.conditions, 'Ready')?.status === 'True').length;
}

/**
 * Replicas for a ratio of one value (an object's or the external metrics' total) to its target:
 * scaled from the ready pods, or — at zero replicas — straight from the ratio.
 */
export function valueRatioReplicas(currentReplicas: number, ratio: number, pods: Pod[], opts: CalculatorOptions): number {
  if (currentReplicas === 0) return Math.ceil(ratio);
  if (Math.abs(1 - ratio) <= opts.tolerance) return currentReplicas;
  let ready: number;
  try {
    ready = readyPodCount(pods);
  } catch (err) {
    throw new ReplicaCalculationError(`unable to calculate ready pods: ${errorMessage(err)}`);
  }
  return Math.ceil(ratio * ready);
}

/** Replicas for a total (milli-units) against a target average per replica, and the current average. */
export function perReplicaReplicas(statusReplicas: number, total: number, targetAverage: number, opts: CalculatorOptions): { replicas: number; usage: number } {
  const ratio = total / (targetAverage * statusReplicas);
  const replicas = Math.abs(1 - ratio) > opts.tolerance ? Math.ceil(total / targetAverage) : statusReplicas;
  return { replicas, usage: statusReplicas ? Math.ceil(total / statusReplicas) : total };
}
