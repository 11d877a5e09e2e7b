import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PodMetrics } from '../../api/resource-metrics.js';
import { resourceMetricsOf } from './pod-metrics.js';

/** A PodMetrics; usage left out of a container is absent, as from a server that does not measure it. */
const item = (name: string, containers: [string, Record<string, string>][], timestamp = '2026-01-01T12:00:00Z'): PodMetrics => ({
  kind: 'PodMetrics', apiVersion: 'metrics.k8s.io/v1beta1',
  metadata: { name, namespace: 'ns' }, timestamp, window: '15.5s', containers: containers.map(([n, usage]) => ({ name: n, usage: usage as PodMetrics['containers'][number]['usage'] })),
});

test('a pod\'s reading is the sum of its containers, in milli-units, with its timestamp and window', () => {
  const metrics = resourceMetricsOf([
    item('a', [['app', { cpu: '250m', memory: '10Mi' }], ['side', { cpu: '1', memory: '1Ki' }]]),
    item('b', [['app', { cpu: '12345678n', memory: '1k' }]], '2026-01-01T12:00:05Z'),
  ], 'cpu');
  assert.deepEqual(metrics.get('a'), { timestampMs: Date.parse('2026-01-01T12:00:00Z'), windowMs: 15_500, value: 1250 });
  // Nanocores round up to a whole milli-core, as Quantity.MilliValue does.
  assert.equal(metrics.get('b')?.value, 13);
  const memory = resourceMetricsOf([item('a', [['app', { memory: '10Mi' }]])], 'memory');
  assert.equal(memory.get('a')?.value, 10 * 1024 * 1024 * 1000);
});

test('a pod without the resource in some container, or without containers, has no reading', () => {
  const metrics = resourceMetricsOf([item('a', [['app', { cpu: '1' }], ['side', { memory: '1' }]]), item('b', []), item('c', [['app', { cpu: '2' }]])], 'cpu');
  assert.deepEqual([...metrics.keys()], ['c']);
});

test('a container metric reads that container only; a pod without it is an error', () => {
  const items = [item('a', [['app', { cpu: '300m' }], ['side', { cpu: '1' }]]), item('b', [['app', {}]])];
  const metrics = resourceMetricsOf(items, 'cpu', 'app');
  assert.deepEqual([...metrics].map(([k, v]) => [k, v.value]), [['a', 300]]);
  assert.throws(() => resourceMetricsOf(items, 'cpu', 'side'), /^Error: failed to get container metrics: container side not present in metrics for pod ns\/b$/);
});
