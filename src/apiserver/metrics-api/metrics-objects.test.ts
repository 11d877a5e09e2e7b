import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod } from '../../api/types/generated.js';
import { buildTable } from '../tables/index.js';
import { nodeMetrics, nodeMetricsPrinter, podMetrics, podMetricsPrinter, usageQuantities } from './metrics-objects.js';

const NOW = new Date('2026-12-06T13:00:05.700Z');

test('usage as canonical quantities: nanocores and bytes, binary suffixes only when exact', () => {
  assert.deepEqual(usageQuantities({ cpuNanoCores: 1_234_567, memoryBytes: 12_345_678 }), { cpu: '1234567n', memory: '12345678' });
  assert.deepEqual(usageQuantities({ cpuNanoCores: 250_000_000, memoryBytes: 4 * 1024 * 1024 }), { cpu: '250m', memory: '4Mi' });
  assert.deepEqual(usageQuantities({ cpuNanoCores: 0, memoryBytes: 0 }), { cpu: '0', memory: '0' });
});

test('PodMetrics and NodeMetrics as metrics-server writes them, and their Table rows', () => {
  const pod = { metadata: { name: 'web', namespace: 'ns', labels: { app: 'web' }, uid: 'u' } } as Pod;
  const m = podMetrics(pod, { timestampMs: Date.parse('2026-12-06T13:00:00.400Z'), windowMs: 15_012, containers: [
    { name: 'a', usage: { cpuNanoCores: 500_000_000, memoryBytes: 1024 } },
    { name: 'b', usage: { cpuNanoCores: 1_500_000, memoryBytes: 1000 } },
  ] }, NOW);
  assert.deepEqual(m, {
    kind: 'PodMetrics', apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: { name: 'web', namespace: 'ns', labels: { app: 'web' }, creationTimestamp: '2026-12-06T13:00:05Z' },
    timestamp: '2026-12-06T13:00:00Z', window: '15.012s',
    containers: [{ name: 'a', usage: { cpu: '500m', memory: '1Ki' } }, { name: 'b', usage: { cpu: '1500u', memory: '1k' } }],
  });
  const table = buildTable('metrics.k8s.io', 'pods', [m as unknown as Record<string, unknown>], { printer: podMetricsPrinter });
  assert.deepEqual(table.columnDefinitions.map(c => `${c.name}:${c.format}`), ['Name:name', 'cpu:quantity', 'memory:quantity', 'Window:duration']);
  assert.deepEqual(table.rows[0].cells, ['web', '501500u', '2024', '15.012s']);

  const node = { metadata: { name: 'n1', labels: { zone: 'a' } } } as Node;
  const n = nodeMetrics(node, { timestampMs: NOW.getTime(), windowMs: 2000, usage: { cpuNanoCores: 2_000_000_000, memoryBytes: 2 * 1024 ** 3 } }, NOW);
  assert.deepEqual([n.usage, n.window, n.metadata.labels], [{ cpu: '2', memory: '2Gi' }, '2s', { zone: 'a' }]);
  assert.deepEqual(buildTable('metrics.k8s.io', 'nodes', [n as unknown as Record<string, unknown>], { printer: nodeMetricsPrinter }).rows[0].cells, ['n1', '2', '2Gi', '2s']);
});
