import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from '../metrics/registry.js';
import { parseExposition, series } from '../metrics/testing/prometheus-text.js';
import { KubeletMetrics } from './kubelet-metrics.js';

test('the kubelet\'s series carry upstream\'s names, types, labels and buckets', async () => {
  const registry = new Registry();
  const m = new KubeletMetrics(registry, 'node-a');
  const t0 = performance.now();
  m.runtimeCall('RunPodSandbox', t0, false);
  m.runtimeCall('ListPodSandbox', t0, false);
  m.runtimeCall('ListPodSandbox', t0, true);
  m.runtimeCall('UpdateContainerResources', t0, false);
  m.podSynced('create', t0);
  m.podSynced('sync', t0);
  m.podStartDuration(1.5);
  m.podStartSliDuration(0.7);
  m.podStarting();
  m.podStartFailed();
  m.containerStarting('container');
  m.containerStarting('init_container');
  m.containerStartFailed('container', 'ErrImagePull');

  const f = parseExposition(await registry.metrics());
  const types = Object.fromEntries(['kubelet_node_name', 'kubelet_runtime_operations_total', 'kubelet_runtime_operations_duration_seconds', 'kubelet_runtime_operations_errors_total',
    'kubelet_pod_worker_duration_seconds', 'kubelet_pod_start_duration_seconds', 'kubelet_pod_start_sli_duration_seconds', 'kubelet_started_pods_total',
    'kubelet_started_pods_errors_total', 'kubelet_started_containers_total', 'kubelet_started_containers_errors_total'].map(n => [n, f.get(n)?.type]));
  assert.deepEqual(types, {
    kubelet_node_name: 'gauge', kubelet_runtime_operations_total: 'counter', kubelet_runtime_operations_duration_seconds: 'histogram',
    kubelet_runtime_operations_errors_total: 'counter', kubelet_pod_worker_duration_seconds: 'histogram', kubelet_pod_start_duration_seconds: 'histogram',
    kubelet_pod_start_sli_duration_seconds: 'histogram', kubelet_started_pods_total: 'counter', kubelet_started_pods_errors_total: 'counter',
    kubelet_started_containers_total: 'counter', kubelet_started_containers_errors_total: 'counter',
  });
  const value = (name: string, labels: Record<string, string> = {}) => series(f, name, labels).map(s => s.value);
  assert.deepEqual(value('kubelet_node_name', { node: 'node-a' }), [1]);
  assert.deepEqual(value('kubelet_runtime_operations_total', { operation_type: 'list_podsandbox' }), [2]);
  assert.deepEqual(value('kubelet_runtime_operations_errors_total', { operation_type: 'list_podsandbox' }), [1]);
  assert.deepEqual(value('kubelet_runtime_operations_total', { operation_type: 'run_podsandbox' }), [1]);
  assert.deepEqual(value('kubelet_runtime_operations_total', { operation_type: 'update_container' }), [1]);
  assert.deepEqual(value('kubelet_runtime_operations_duration_seconds_count', { operation_type: 'run_podsandbox' }), [1]);
  assert.deepEqual(series(f, 'kubelet_runtime_operations_duration_seconds_bucket', { operation_type: 'run_podsandbox' }).map(s => s.labels.le).slice(0, 4), ['0.005', '0.0125', '0.03125', '0.078125']);
  assert.deepEqual(value('kubelet_pod_worker_duration_seconds_count', { operation_type: 'create' }), [1]);
  assert.deepEqual(series(f, 'kubelet_pod_worker_duration_seconds_bucket', { operation_type: 'sync' }).map(s => s.labels.le), ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf']);
  assert.deepEqual(value('kubelet_pod_start_sli_duration_seconds_sum'), [0.7]);
  assert.deepEqual(value('kubelet_pod_start_sli_duration_seconds_bucket', { le: '1' }), [1]);
  assert.deepEqual(value('kubelet_pod_start_sli_duration_seconds_bucket', { le: '0.5' }), [0]);
  assert.equal(series(f, 'kubelet_pod_start_duration_seconds_bucket').length, 26, '25 bounds and +Inf');
  assert.deepEqual(value('kubelet_started_pods_total'), [1]);
  assert.deepEqual(value('kubelet_started_pods_errors_total'), [1]);
  assert.deepEqual(value('kubelet_started_containers_total', { container_type: 'init_container' }), [1]);
  assert.deepEqual(value('kubelet_started_containers_errors_total', { container_type: 'container', code: 'ErrImagePull' }), [1]);
});
