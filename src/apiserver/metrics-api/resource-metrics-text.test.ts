import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeResourceMetrics } from './resource-metrics-text.js';

test('the kubelet resource metrics become node and container readings', () => {
  const text = [
    '# HELP node_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the node in core-seconds',
    '# TYPE node_cpu_usage_seconds_total counter',
    'node_cpu_usage_seconds_total 357.35 1800000000123',
    'node_memory_working_set_bytes 1.5e+09 1800000000123',
    'container_cpu_usage_seconds_total{container="web",namespace="default",pod="p1"} 2.5 1800000000100',
    'container_memory_working_set_bytes{container="web",namespace="default",pod="p1"} 4096 1800000000100',
    'container_start_time_seconds{container="web",namespace="default",pod="p1"} 1799999999.5 1800000000100',
    // Only CPU known: left out, as metrics-server leaves it.
    'container_cpu_usage_seconds_total{container="half",namespace="default",pod="p1"} 1',
    'container_cpu_usage_seconds_total{container="esc",namespace="ns\\"x",pod="p2"} 1',
    'container_memory_working_set_bytes{container="esc",namespace="ns\\"x",pod="p2"} 2',
    'pod_cpu_usage_seconds_total{namespace="default",pod="p1"} 2.5',
    'garbage line',
    'scrape_error 0',
    '',
  ].join('\n');
  const r = decodeResourceMetrics(text, 42);
  assert.deepEqual(r.node, { timestampMs: 1800000000123, cpuSeconds: 357.35, memoryBytes: 1.5e9 });
  assert.deepEqual(r.containers, [
    { namespace: 'default', pod: 'p1', container: 'web', timestampMs: 1800000000100, cpuSeconds: 2.5, memoryBytes: 4096, startTimeMs: 1799999999500 },
    { namespace: 'ns"x', pod: 'p2', container: 'esc', timestampMs: 42, cpuSeconds: 1, memoryBytes: 2 },
  ]);
});
