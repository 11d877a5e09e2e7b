import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExposition, series } from '../../metrics/testing/prometheus-text.js';
import { resourceMetrics, type Summary } from './stats.js';

test('resource metrics carry the summary in upstream series names and units', async () => {
  const t = '2026-11-23T12:00:00.000Z';
  const summary: Summary = {
    node: { nodeName: 'n1', startTime: t, cpu: { time: t, usageCoreNanoSeconds: 2_500_000_000 }, memory: { time: t, workingSetBytes: 1024 } },
    pods: [{
      podRef: { name: 'web', namespace: 'default', uid: 'u1' }, startTime: t,
      containers: [{ name: 'httpd', cpu: { time: t, usageCoreNanoSeconds: 500_000_000 }, memory: { time: t, workingSetBytes: 300 } }],
      cpu: { time: t, usageCoreNanoSeconds: 500_000_000 }, memory: { time: t, workingSetBytes: 300 },
    }],
  };
  const families = parseExposition(await resourceMetrics(summary));
  const value = (name: string, labels: Record<string, string> = {}) => series(families, name, labels).map(s => s.value);
  assert.deepEqual(value('node_cpu_usage_seconds_total'), [2.5]);
  assert.deepEqual(value('node_memory_working_set_bytes'), [1024]);
  assert.deepEqual(value('pod_memory_working_set_bytes', { namespace: 'default', pod: 'web' }), [300]);
  assert.deepEqual(value('container_cpu_usage_seconds_total', { container: 'httpd', namespace: 'default', pod: 'web' }), [0.5]);
  assert.equal(families.get('container_memory_working_set_bytes')?.type, 'gauge');
  assert.equal(families.get('container_cpu_usage_seconds_total')?.type, 'counter');
  assert.deepEqual(value('scrape_error'), [0]);
});
