// The replica count an HPA's metrics ask for (upstream horizontal.go's computeReplicasForMetrics):
// one proposal per metric, the highest wins; a metric that fails gives its warning event and the
// ScalingActive=False condition upstream words. Metric readings come through `MetricSource`, so
// everything here but the fetching is pure.
import { formatQuantity } from '../../api/quantity.js';
import { LabelSelector } from '../../api/selectors/label-selector.js';
import type { LabelSelector as LabelSelectorSpec } from '../../api/types/generated.js';
import { errorMessage } from '../../util/error-message.js';
import { milliOf } from './pod-metrics.js';
import {
  ReplicaCalculationError, perReplicaReplicas, plainMetricReplicas, resourceReplicas, valueRatioReplicas, type CalculatorOptions,
} from './replica-calculator.js';
import type { ConditionUpdate, MetricSpec, MetricStatus, MetricTarget, MetricValueStatus, Pod, PodMetricsInfo } from './types.js';

/** A described object of an Object metric. */
export interface ObjectRef {
  apiVersion?: string;
  kind: string;
  name: string;
}

/** Where readings come from; each method throws with upstream's message when it cannot answer. */
export interface MetricSource {
  /** Readings of `resource` for the target's pods (one container's, or the pods' sums with ''), from the resource metrics API. */
  resourceMetrics(resource: string, container: string): Promise<PodMetricsInfo>;
  /** Readings of a custom metric for the target's pods (custom metrics API). */
  podsMetric(metric: string, metricSelector: string): Promise<PodMetricsInfo>;
  /** One object's custom metric, milli-units (custom metrics API). */
  objectMetric(object: ObjectRef, metric: string, metricSelector: string): Promise<number>;
  /** The values of an external metric, milli-units (external metrics API). */
  externalMetric(metric: string, metricSelector: string): Promise<number[]>;
}

export interface MetricsInput {
  /** The target's spec.replicas. */
  specReplicas: number;
  /** The target's status.replicas (per-replica Object and External targets divide by it). */
  statusReplicas: number;
  namespace: string;
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
  /** Each metric's computation, for the autoscaler's metrics: its proposal (none if it failed) and time taken. */
  computations: MetricComputation[];
}

export interface MetricComputation {
  metricType: string;
  replicas?: number;
  /** The failure lies in the HPA's spec (a metric type nobody knows), not in reading or computing. */
  specError: boolean;
  seconds: number;
}

/** A metric that could not be computed: the error, and the condition reason that names its kind. */
class MetricError extends Error {
  constructor(message: string, readonly reason: string, readonly conditionMessage = message) {
    super(message);
  }
}

const milliQuantity = (milli: number): string => formatQuantity({ digits: BigInt(milli), scale: -3, format: 'DecimalSI' });

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
      throw new ReplicaCalculationError(`unable to get metrics for resource ${resource}: ${errorMessage(err)}`);
    }
  };
  const calcInput = async () => ({ currentReplicas: input.specReplicas, resource, container, pods: input.pods, metrics: await readings(), now: input.now });
  if (target.averageValue !== undefined && target.averageValue !== null) {
    try {
      const { replicas, usage } = plainMetricReplicas(await calcInput(), milliOf(target.averageValue), input.opts);
      return { replicas, metricName: `${resource} resource`, current: { averageValue: milliQuantity(usage) } };
    } catch (err) {
      throw new Error(`failed to get ${resource} usage: ${errorMessage(err)}`);
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
    throw new Error(`failed to get ${resource} utilization: ${errorMessage(err)}`);
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
      throw new MetricError(`failed to get ${name} resource metric value: ${errorMessage(err)}`, 'FailedGetResourceMetric', errorMessage(err));
    }
  }
  if (spec.type === 'ContainerResource' && spec.containerResource) {
    const { name, container, target } = spec.containerResource;
    try {
      const p = await resourceProposal(input, name, container, target, 'ContainerResource');
      return { ...p, status: { type: 'ContainerResource', containerResource: { name, container, current: p.current } } };
    } catch (err) {
      throw new MetricError(`failed to get ${container} container metric value: ${errorMessage(err)}`, 'FailedGetContainerResourceMetric', errorMessage(err));
    }
  }
  if (spec.type === 'Pods' && spec.pods) return podsProposal(input, spec.pods.metric.name, spec.pods.metric.selector, spec.pods.target);
  if (spec.type === 'Object' && spec.object) return objectProposal(input, spec.object);
  if (spec.type === 'External' && spec.external) return externalProposal(input, spec.external);
  throw new MetricError(`unknown metric source type "${spec.type}"`, 'InvalidMetricSourceType');
}

/** A metric selector as a query parameter (nil and {} both select everything). */
const selectorQuery = (sel: LabelSelectorSpec | undefined): string => LabelSelector.fromObject(sel)?.toString() ?? '';

/** A *metav1.LabelSelector as Go's %+v prints it (its generated String()), for upstream's metric names. */
function goSelector(sel: LabelSelectorSpec | undefined): string {
  if (!sel) return 'nil';
  const labels = Object.keys(sel.matchLabels ?? {}).sort().map(k => `${k}: ${sel.matchLabels![k]},`).join('');
  const exprs = (sel.matchExpressions ?? []).map(e => `LabelSelectorRequirement{Key:${e.key},Operator:${e.operator},Values:[${(e.values ?? []).join(' ')}],},`).join('');
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]LabelSelectorRequirement{${exprs}},}`;
}

/** Wraps what a metric source or calculation threw as one metric's failure. */
async function failing<T>(reason: string, outer: (cause: string) => string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    const cause = errorMessage(err);
    throw new MetricError(outer(cause), reason, cause);
  }
}

/** A per-pod custom metric against its average target (upstream computeStatusForPodsMetric). */
function podsProposal(input: MetricsInput, name: string, selector: LabelSelectorSpec | undefined, target: MetricTarget): Promise<Proposal & { status: MetricStatus }> {
  return failing('FailedGetPodsMetric', c => `failed to get pods metric value: ${c}`, async () => {
    let metrics: PodMetricsInfo;
    try {
      metrics = await input.source.podsMetric(name, selectorQuery(selector));
    } catch (err) {
      throw new Error(`unable to get metric ${name}: ${errorMessage(err)}`);
    }
    const calc = { currentReplicas: input.specReplicas, resource: '', container: '', pods: input.pods, metrics, now: input.now };
    const { replicas, usage } = plainMetricReplicas(calc, milliOf(target.averageValue ?? 0), input.opts);
    const current = { averageValue: milliQuantity(usage) };
    const metric = { name, ...(selector ? { selector } : {}) };
    return { replicas, metricName: `pods metric ${name}`, current, status: { type: 'Pods', pods: { metric, current } } };
  });
}

/** One object's metric, as a value or an average per replica (upstream computeStatusForObjectMetric). */
async function objectProposal(input: MetricsInput, spec: NonNullable<MetricSpec['object']>): Promise<Proposal & { status: MetricStatus }> {
  const { describedObject, metric, target } = spec;
  const metricId = { name: metric.name, ...(metric.selector ? { selector: metric.selector } : {}) };
  const read = async () => {
    try {
      return await input.source.objectMetric(describedObject, metric.name, selectorQuery(metric.selector));
    } catch (err) {
      throw new Error(`unable to get metric ${metric.name}: ${errorMessage(err)} on ${describedObject.kind} ${input.namespace}/${describedObject.name}`);
    }
  };
  const outer = (c: string) => `failed to get object metric value: ${c}`;
  if (target.type === 'Value' && target.value !== undefined && target.value !== null) {
    return failing('FailedGetObjectMetric', outer, async () => {
      const usage = await read();
      const replicas = valueRatioReplicas(input.specReplicas, usage / milliOf(target.value!), input.pods, input.opts);
      const current = { value: milliQuantity(usage) };
      return { replicas, metricName: `${describedObject.kind} metric ${metric.name}`, current, status: { type: 'Object', object: { describedObject, metric: metricId, current } } };
    });
  }
  if (target.type === 'AverageValue' && target.averageValue !== undefined && target.averageValue !== null) {
    return failing('FailedGetObjectMetric', c => outer(`failed to get ${metric.name} object metric: ${c}`), async () => {
      const { replicas, usage } = perReplicaReplicas(input.statusReplicas, await read(), milliOf(target.averageValue!), input.opts);
      const current = { averageValue: milliQuantity(usage) };
      return { replicas, metricName: `external metric ${metric.name}(${goSelector(metric.selector)})`, current, status: { type: 'Object', object: { describedObject, metric: metricId, current } } };
    });
  }
  const message = 'invalid object metric source: neither a value target nor an average value target was set';
  throw new MetricError(outer(message), 'FailedGetObjectMetric', message);
}

/** An external metric's total, as a value or an average per replica (upstream computeStatusForExternalMetric). */
async function externalProposal(input: MetricsInput, spec: NonNullable<MetricSpec['external']>): Promise<Proposal & { status: MetricStatus }> {
  const { metric, target } = spec;
  const metricId = { name: metric.name, ...(metric.selector ? { selector: metric.selector } : {}) };
  const total = async () => {
    try {
      return (await input.source.externalMetric(metric.name, selectorQuery(metric.selector))).reduce((a, b) => a + b, 0);
    } catch (err) {
      throw new Error(`unable to get external metric ${input.namespace}/${metric.name}/${goSelector(metric.selector)}: ${errorMessage(err)}`);
    }
  };
  const metricName = `external metric ${metric.name}(${goSelector(metric.selector)})`;
  const outer = (inner: string) => (c: string) => `failed to get ${metric.name} external metric value: ${inner}${c}`;
  if (target.averageValue !== undefined && target.averageValue !== null) {
    return failing('FailedGetExternalMetric', outer(`failed to get ${metric.name} external metric: `), async () => {
      const { replicas, usage } = perReplicaReplicas(input.statusReplicas, await total(), milliOf(target.averageValue!), input.opts);
      const current = { averageValue: milliQuantity(usage) };
      return { replicas, metricName, current, status: { type: 'External', external: { metric: metricId, current } } };
    });
  }
  if (target.value !== undefined && target.value !== null) {
    return failing('FailedGetExternalMetric', outer(`failed to get external metric ${metric.name}: `), async () => {
      const usage = await total();
      const replicas = valueRatioReplicas(input.specReplicas, usage / milliOf(target.value!), input.pods, input.opts);
      const current = { value: milliQuantity(usage) };
      return { replicas, metricName, current, status: { type: 'External', external: { metric: metricId, current } } };
    });
  }
  const message = 'invalid external metric source: neither a value target nor an average value target was set';
  throw new MetricError(outer('')(message), 'FailedGetExternalMetric', message);
}

/** Every metric's proposal, combined as upstream does. */
export async function replicasForMetrics(input: MetricsInput, specs: MetricSpec[]): Promise<MetricsOutcome> {
  const statuses: MetricStatus[] = [];
  const events: WarningEvent[] = [];
  let replicas = 0;
  let metricName = '';
  let invalid = 0;
  let firstError: MetricError | undefined;
  const computations: MetricComputation[] = [];
  for (const [i, spec] of specs.entries()) {
    const started = performance.now();
    const took = () => (performance.now() - started) / 1000;
    try {
      const p = await metricProposal(input, spec);
      statuses[i] = p.status;
      if (replicas === 0 || p.replicas > replicas) [replicas, metricName] = [p.replicas, p.metricName];
      computations.push({ metricType: spec.type, replicas: p.replicas, specError: false, seconds: took() });
    } catch (err) {
      const e = err instanceof MetricError ? err : new MetricError(errorMessage(err), 'FailedGetResourceMetric');
      // Upstream leaves a failed metric's entry empty; printers show it as <unknown>.
      statuses[i] = { type: '' };
      events.push({ reason: e.reason, message: e.conditionMessage });
      invalid++;
      firstError ??= e;
      computations.push({ metricType: spec.type, specError: e.reason === 'InvalidMetricSourceType', seconds: took() });
    }
  }
  const error = firstError && `invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${firstError.message}`;
  if (firstError && (invalid >= specs.length || replicas < input.specReplicas)) {
    const condition = { type: 'ScalingActive', status: 'False', reason: firstError.reason, message: `the HPA was unable to compute the replica count: ${firstError.conditionMessage}` };
    return { replicas: -1, metricName: '', statuses, condition, events, error, computations };
  }
  const condition = { type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound', message: `the HPA was able to successfully calculate a replica count from ${metricName}` };
  return { replicas, metricName, statuses, condition, events, computations, ...(error ? { error } : {}) };
}
