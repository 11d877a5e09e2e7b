import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replicasForMetrics, type MetricSource } from './metric-replicas.js';
import { DEFAULT_CALCULATOR_OPTIONS } from './replica-calculator.js';
import type { MetricSpec, Pod, PodMetricsInfo } from './types.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');

function pod(name: string, requests: Record<string, string>, container = 'app'): Pod {
  return {
    metadata: { name, namespace: 'ns' },
    spec: { containers: [{ name: container, resources: { requests } }] },
    status: { phase: 'Running', startTime: new Date(NOW - 3_600_000).toISOString(), conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date(NOW - 3_600_000).toISOString() }] },
  };
}

const NOT_FOUND = 'the server could not find the requested resource';

/** Readings per resource (or custom metric), by pod; objects' and external metrics' values; anything else fails as an absent API would. */
function source(byResource: Record<string, Record<string, number>>, more: { objects?: Record<string, number>; external?: Record<string, number[]> } = {}): MetricSource {
  const readings = (values: Record<string, number>): PodMetricsInfo => new Map(Object.entries(values).map(([n, value]) => [n, { timestampMs: NOW - 1000, windowMs: 15_000, value }]));
  return {
    async resourceMetrics(resource) {
      if (!byResource[resource]) throw new Error(`unable to fetch metrics from resource metrics API: ${NOT_FOUND} (get pods.metrics.k8s.io)`);
      return readings(byResource[resource]);
    },
    async podsMetric(metric, selector) {
      if (!byResource[`${metric}|${selector}`]) throw new Error(`unable to fetch metrics from custom metrics API: ${NOT_FOUND}`);
      return readings(byResource[`${metric}|${selector}`]);
    },
    async objectMetric(object, metric) {
      const v = more.objects?.[`${object.kind}/${object.name}/${metric}`];
      if (v === undefined) throw new Error(`unable to fetch metrics from custom metrics API: ${NOT_FOUND}`);
      return v;
    },
    async externalMetric(metric, selector) {
      const v = more.external?.[`${metric}|${selector}`];
      if (v === undefined) throw new Error(`unable to fetch metrics from external metrics API: ${NOT_FOUND}`);
      return v;
    },
  };
}

const cpu = (averageUtilization: number): MetricSpec => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization } } });
const memoryValue = (averageValue: string): MetricSpec => ({ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue } } });
const pods = [pod('a', { cpu: '100m', memory: '64Mi' }), pod('b', { cpu: '100m', memory: '64Mi' })];
const input = (src: MetricSource, specReplicas = 2) => ({ specReplicas, statusReplicas: specReplicas, namespace: 'ns', pods, source: src, opts: DEFAULT_CALCULATOR_OPTIONS, now: NOW });

test('a utilization target: its proposal, status and the ValidMetricFound condition', async () => {
  const out = await replicasForMetrics(input(source({ cpu: { a: 250, b: 250 } })), [cpu(50)]);
  assert.equal(out.replicas, 10);
  assert.equal(out.metricName, 'cpu resource utilization (percentage of request)');
  assert.deepEqual(out.statuses, [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 250, averageValue: '250m' } } }]);
  assert.deepEqual(out.condition, { type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound', message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)' });
  assert.deepEqual(out.events, []);
  assert.equal(out.error, undefined);
});

test('the highest proposal of several metrics wins; an average value target reports the average', async () => {
  const mi = 1024 * 1024 * 1000;
  const out = await replicasForMetrics(input(source({ cpu: { a: 50, b: 50 }, memory: { a: 96 * mi, b: 96 * mi } })), [cpu(50), memoryValue('32Mi')]);
  assert.equal(out.replicas, 6);
  assert.equal(out.metricName, 'memory resource');
  assert.deepEqual(out.statuses[1], { type: 'Resource', resource: { name: 'memory', current: { averageValue: '100663296' } } });
});

test('a container resource metric names the container', async () => {
  const spec: MetricSpec = { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'app', target: { type: 'Utilization', averageUtilization: 60 } } };
  const out = await replicasForMetrics(input(source({ cpu: { a: 30, b: 30 } })), [spec]);
  assert.equal(out.replicas, 1);
  assert.equal(out.metricName, 'cpu container resource utilization (percentage of request)');
  assert.deepEqual(out.statuses, [{ type: 'ContainerResource', containerResource: { name: 'cpu', container: 'app', current: { averageUtilization: 30, averageValue: '30m' } } }]);
});

test('a metric that cannot be read: the warning event, ScalingActive=False and the error in upstream\'s words', async () => {
  const out = await replicasForMetrics(input(source({})), [cpu(50)]);
  assert.equal(out.replicas, -1);
  const cause = 'failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)';
  assert.deepEqual(out.events, [{ reason: 'FailedGetResourceMetric', message: cause }]);
  assert.deepEqual(out.condition, { type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric', message: `the HPA was unable to compute the replica count: ${cause}` });
  assert.equal(out.error, `invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: ${cause}`);
  assert.deepEqual(out.statuses, [{ type: '' }]);
});

test('with one metric failing, the others still scale up but never down', async () => {
  const up = await replicasForMetrics(input(source({ cpu: { a: 100, b: 100 } })), [cpu(50), memoryValue('32Mi')]);
  assert.equal(up.replicas, 4);
  assert.equal(up.condition.reason, 'ValidMetricFound');
  assert.match(up.error ?? '', /^invalid metrics \(1 invalid out of 2\), first error is: failed to get memory resource metric value: failed to get memory usage: unable to get metrics for resource memory/);
  const down = await replicasForMetrics(input(source({ cpu: { a: 10, b: 10 } })), [cpu(50), memoryValue('32Mi')]);
  assert.equal(down.replicas, -1);
  assert.equal(down.condition.reason, 'FailedGetResourceMetric');
});

test('a missing request fails the metric with the pod named', async () => {
  const noRequest = [pod('a', { memory: '1Mi' })];
  const out = await replicasForMetrics({ ...input(source({ cpu: { a: 10 } })), pods: noRequest }, [cpu(50)]);
  assert.equal(out.condition.message, 'the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container app of Pod a');
});

test('a Pods metric: the average per pod against its target, from the custom metrics API', async () => {
  const spec: MetricSpec = { type: 'Pods', pods: { metric: { name: 'qps', selector: { matchLabels: { verb: 'GET' } } }, target: { type: 'AverageValue', averageValue: '10' } } };
  const out = await replicasForMetrics(input(source({ 'qps|verb=GET': { a: 30_000, b: 20_000 } })), [spec]);
  assert.deepEqual([out.replicas, out.metricName], [5, 'pods metric qps']);
  assert.deepEqual(out.statuses, [{ type: 'Pods', pods: { metric: { name: 'qps', selector: { matchLabels: { verb: 'GET' } } }, current: { averageValue: '25' } } }]);
  const failed = await replicasForMetrics(input(source({})), [spec]);
  assert.deepEqual(failed.events, [{ reason: 'FailedGetPodsMetric', message: `unable to get metric qps: unable to fetch metrics from custom metrics API: ${NOT_FOUND}` }]);
  assert.equal(failed.error, `invalid metrics (1 invalid out of 1), first error is: failed to get pods metric value: unable to get metric qps: unable to fetch metrics from custom metrics API: ${NOT_FOUND}`);
});

test('an Object metric: a value scales the ready pods, an average value divides by the replicas', async () => {
  const describedObject = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'main' };
  const value: MetricSpec = { type: 'Object', object: { describedObject, metric: { name: 'rps' }, target: { type: 'Value', value: '100' } } };
  const src = source({}, { objects: { 'Ingress/main/rps': 300_000 } });
  const out = await replicasForMetrics(input(src), [value]);
  // 300 against 100 on 2 ready pods.
  assert.deepEqual([out.replicas, out.metricName], [6, 'Ingress metric rps']);
  assert.deepEqual(out.statuses, [{ type: 'Object', object: { describedObject, metric: { name: 'rps' }, current: { value: '300' } } }]);
  const average: MetricSpec = { type: 'Object', object: { describedObject, metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '50' } } };
  const avg = await replicasForMetrics(input(src), [average]);
  assert.deepEqual([avg.replicas, avg.statuses[0].object?.current], [6, { averageValue: '150' }]);
  assert.equal(avg.metricName, 'external metric rps(nil)');
  const missing = await replicasForMetrics(input(source({})), [value]);
  assert.equal(missing.events[0].reason, 'FailedGetObjectMetric');
  assert.equal(missing.error, `invalid metrics (1 invalid out of 1), first error is: failed to get object metric value: unable to get metric rps: unable to fetch metrics from custom metrics API: ${NOT_FOUND} on Ingress ns/main`);
});

test('an External metric: the values summed, against a value or an average per replica', async () => {
  const metric = { name: 'queue', selector: { matchLabels: { q: 'jobs' } } };
  const src = source({}, { external: { 'queue|q=jobs': [5_000, 7_000] } });
  const avg = await replicasForMetrics(input(src), [{ type: 'External', external: { metric, target: { type: 'AverageValue', averageValue: '3' } } }]);
  assert.deepEqual([avg.replicas, avg.statuses[0]], [4, { type: 'External', external: { metric, current: { averageValue: '6' } } }]);
  assert.equal(avg.metricName, 'external metric queue(&LabelSelector{MatchLabels:map[string]string{q: jobs,},MatchExpressions:[]LabelSelectorRequirement{},})');
  const value = await replicasForMetrics(input(src), [{ type: 'External', external: { metric, target: { type: 'Value', value: '4' } } }]);
  assert.deepEqual([value.replicas, value.statuses[0].external?.current], [6, { value: '12' }]);
  const failed = await replicasForMetrics(input(source({})), [{ type: 'External', external: { metric, target: { type: 'Value', value: '4' } } }]);
  assert.equal(failed.events[0].reason, 'FailedGetExternalMetric');
  assert.match(failed.error ?? '', /first error is: failed to get queue external metric value: failed to get external metric queue: unable to get external metric ns\/queue\/&LabelSelector\{MatchLabels:map\[string\]string\{q: jobs,\},MatchExpressions:\[\]LabelSelectorRequirement\{\},\}: unable to fetch metrics from external metrics API/);
});
