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

/** Readings per resource, by pod; a resource not listed fails as the metrics API would. */
function source(byResource: Record<string, Record<string, number>>): MetricSource {
  return {
    async resourceMetrics(resource): Promise<PodMetricsInfo> {
      const values = byResource[resource];
      if (!values) throw new Error('unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)');
      return new Map(Object.entries(values).map(([n, value]) => [n, { timestampMs: NOW - 1000, windowMs: 15_000, value }]));
    },
  };
}

const cpu = (averageUtilization: number): MetricSpec => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization } } });
const memoryValue = (averageValue: string): MetricSpec => ({ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue } } });
const pods = [pod('a', { cpu: '100m', memory: '64Mi' }), pod('b', { cpu: '100m', memory: '64Mi' })];
const input = (src: MetricSource, specReplicas = 2) => ({ specReplicas, pods, source: src, opts: DEFAULT_CALCULATOR_OPTIONS, now: NOW });

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

test('metric kinds read from other metrics APIs fail with their kind\'s reason', async () => {
  const out = await replicasForMetrics(input(source({})), [{ type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } }]);
  assert.equal(out.events[0].reason, 'FailedGetPodsMetric');
  assert.equal(out.condition.reason, 'FailedGetPodsMetric');
});
