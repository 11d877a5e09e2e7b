import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from '../metrics/registry.js';
import { parseExposition, series } from '../metrics/testing/prometheus-text.js';
import { SchedulerMetrics } from './scheduler-metrics.js';

test('plugin calls are timed in sampled cycles only, by plugin, extension point and status', async () => {
  const registry = new Registry();
  const m = new SchedulerMetrics(registry);
  assert.equal(m.sampleCycle(() => 0.5), undefined, '10% of cycles are sampled');
  const rec = m.sampleCycle(() => 0.05)!;
  const t = performance.now();
  rec.observe('NodeResourcesFit', 'Filter', null, t);
  rec.observe('NodeResourcesFit', 'Filter', { code: 'Unschedulable', reasons: ['Insufficient cpu'] }, t);
  rec.observe('TaintToleration', 'Score', null, t);
  m.watchQueue(() => ({ active: 2, backoff: 0, unschedulable: 1, gated: 3 }));

  const f = parseExposition(await registry.metrics());
  assert.equal(f.get('scheduler_plugin_execution_duration_seconds')?.type, 'histogram');
  const count = (labels: Record<string, string>) => series(f, 'scheduler_plugin_execution_duration_seconds_count', labels).map(s => s.value);
  assert.deepEqual(count({ plugin: 'NodeResourcesFit', extension_point: 'Filter', status: 'Success' }), [1]);
  assert.deepEqual(count({ plugin: 'NodeResourcesFit', extension_point: 'Filter', status: 'Unschedulable' }), [1]);
  assert.deepEqual(count({ plugin: 'TaintToleration', extension_point: 'Score', status: 'Success' }), [1]);
  // ExponentialBuckets(0.00001, 1.5, 20), then +Inf.
  const les = series(f, 'scheduler_plugin_execution_duration_seconds_bucket', { plugin: 'TaintToleration' }).map(s => Number(s.labels.le)); // '+Inf' reads as NaN
  assert.equal(les.length, 21);
  assert.deepEqual(les.slice(0, 3).map(x => Number(x.toPrecision(6))), [0.00001, 0.000015, 0.0000225]);
  assert.ok(Number.isNaN(les[20]), '+Inf');
  assert.deepEqual(series(f, 'scheduler_pending_pods').map(s => [s.labels.queue, s.value]), [['active', 2], ['backoff', 0], ['unschedulable', 1], ['gated', 3]]);
});
