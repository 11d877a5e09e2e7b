// The replica count an HPA's metrics ask for (upstream horizontal.go's computeReplicasForMetrics):
// one proposal per metric, the highest wins; a metric that fails gives its warning event and the
// ScalingActive=False condition upstream words. Metric readings come through `MetricSource`, so
// everything here but the fetching is pure.
import { formatQuantity, milliValue, parseQuantity } from '../../api/quantity.js';
import { ReplicaCalculationError, plainMetricReplicas, resourceReplicas, type CalculatorOptions } from './replica-calculator.js';
import type { ConditionUpdate, MetricSpec, MetricStatus, MetricTarget, MetricValueStatus, Pod, PodMetricsInfo } from './types.js';

export interface MetricSource {
  /** Readings of `resource` for the target's pods (one container's, or the pods' sums with ''). */
  resourceMetrics(resource: string, container: string): Promise<PodMetricsInfo>;
}

export interface MetricsInput {
  /** The target's spec.replicas. */
  specReplicas: number;
  pods: Pod[];
  source: MetricSource;
  opts: CalculatorOptions;
  now: number;
}

export interface WarningEvent {
  reason: string;
  message: string;
}

export interface MetricsOutcome {
  /** -1 when nothing can be decided (every metric failed, or one failed and the rest would scale down). */
  replicas: number;
  /** Describes the winning metric, e.g. "cpu resource utilization (percentage of request)". */
  metricName: string;
  /** One per metric spec, at its index; a failed metric's entry is only its type. */
  statuses: MetricStatus[];
  condition: ConditionUpdate;
  events: WarningEvent[];
  /** Set when some metric failed, even if the others still decide. */
  error?: string;
}

/** A metric that could not be computed: the error, and the condition reason that names its kind. */
class MetricError extends Error {
  constructor(message: string, readonly reason: string, readonly conditionMessage = message) {
    super(message);
  }
}

const milliQuantity = (milli: number): string => formatQuantity({ digits: BigInt(milli), scale: -3, format: 'DecimalSI' });
const milliOf = (q: string | number): number => Number(milliValue(parseQuantity(q)));
const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

interface Proposal {
  replicas: number;
  metricName: string;
  current: MetricValueStatus;
}

/** A Resource or ContainerResource metric against its target (upstream computeStatusForResourceMetricGeneric). */
async function resourceProposal(input: MetricsInput, resource: string, container: string, target: MetricTarget, kind: 'Resource' | 'ContainerResource'): Promise<Proposal> {
  const readings = async () => {
    try {
      return await input.source.resourceMetrics(resource, container);
    } catch (err) {
      throw new ReplicaCalculationError(`unable to get metrics for resource ${resource}: ${messageOf(err)}`);
    }
  };
  const calcInput = async () => ({ currentReplicas: input.specReplicas, resource, container, pods: input.pods, metrics: await readings(), now: input.now });
  if (target.averageValue !== undefined && target.averageValue !== null) {
    try {
      const { replicas, usage } = plainMetricReplicas(await calcInput(), milliOf(target.averageValue), input.opts);
      return { replicas, metricName: `${resource} resource`, current: { averageValue: milliQuantity(usage) } };
    } catch (err) {
      throw new Error(`failed to get ${resource} usage: ${messageOf(err)}`);
    }
  }
  if (target.averageUtilization === undefined || target.averageUtilization === null) {
    throw new Error('invalid resource metric source: neither an average utilization target nor an average value (usage) target was set');
  }
  try {
    const r = resourceReplicas(await calcInput(), target.averageUtilization, input.opts);
    const metricName = kind === 'ContainerResource'
      ? `${resource} container resource utilization (percentage of request)`
      : `${resource} resource utilization (percentage of request)`;
    return { replicas: r.replicas, metricName, current: { averageUtilization: r.utilization, averageValue: milliQuantity(r.rawAverage) } };
  } catch (err) {
    throw new Error(`failed to get ${resource} utilization: ${messageOf(err)}`);
  }
}

/** One metric's proposal and status (upstream computeReplicasForMetric). */
async function metricProposal(input: MetricsInput, spec: MetricSpec): Promise<Proposal & { status: MetricStatus }> {
  if (spec.type === 'Resource' && spec.resource) {
    const { name, target } = spec.resource;
    try {
      const p = await resourceProposal(input, name, '', target, 'Resource');
      return { ...p, status: { type: 'Resource', resource: { name, current: p.current } } };
    } catch (err) {
      throw new MetricError(`failed to get ${name} resource metric value: ${messageOf(err)}`, 'FailedGetResourceMetric', messageOf(err));
    }
  }
  if (spec.type === 'ContainerResource' && spec.containerResource) {
    const { name, container, target } = spec.containerResource;
    try {
      const p = await resourceProposal(input, name, container, target, 'ContainerResource');
      return { ...p, status: { type: 'ContainerResource', containerResource: { name, container, current: p.current } } };
    } catch (err) {
      throw new MetricError(`failed to get ${container} container metric value: ${messageOf(err)}`, 'FailedGetContainerResourceMetric', messageOf(err));
    }
  }
  // Pods, Object and External metrics come from custom and external metrics adapters, which this
  // autoscaler does not query (yet): such a metric fails with the reason upstream gives its kind.
  const unqueried = UNQUERIED[spec.type];
  if (unqueried) throw new MetricError(`${spec.type} metrics are not supported by this autoscaler: it reads only the resource metrics API`, unqueried);
  throw new MetricError(`unknown metric source type "${spec.type}"`, 'InvalidMetricSourceType');
}

const UNQUERIED: Record<string, string> = { Pods: 'FailedGetPodsMetric', Object: 'FailedGetObjectMetric', External: 'FailedGetExternalMetric' };

/** Every metric's proposal, combined as upstream does. */
export async function replicasForMetrics(input: MetricsInput, specs: MetricSpec[]): Promise<MetricsOutcome> {
  const statuses: MetricStatus[] = [];
  const events: WarningEvent[] = [];
  let replicas = 0;
  let metricName = '';
  let invalid = 0;
  let firstError: MetricError | undefined;
  for (const [i, spec] of specs.entries()) {
    try {
      const p = await metricProposal(input, spec);
      statuses[i] = p.status;
      if (replicas === 0 || p.replicas > replicas) [replicas, metricName] = [p.replicas, p.metricName];
    } catch (err) {
      const e = err instanceof MetricError ? err : new MetricError(messageOf(err), 'FailedGetResourceMetric');
      // Upstream leaves a failed metric's entry empty; printers show it as <unknown>.
      statuses[i] = { type: '' };
      events.push({ reason: e.reason, message: e.conditionMessage });
      invalid++;
      firstError ??= e;
    }
  }
  const error = firstError && `invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${firstError.message}`;
  if (firstError && (invalid >= specs.length || replicas < input.specReplicas)) {
    const condition = { type: 'ScalingActive', status: 'False', reason: firstError.reason, message: `the HPA was unable to compute the replica count: ${firstError.conditionMessage}` };
    return { replicas: -1, metricName: '', statuses, condition, events, error };
  }
  const condition = { type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound', message: `the HPA was able to successfully calculate a replica count from ${metricName}` };
  return { replicas, metricName, statuses, condition, events, ...(error ? { error } : {}) };
}
