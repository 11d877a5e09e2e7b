import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resourceMetrics, type Summary } from './stats.js';

test('resource metrics carry the summary in upstream series names and units', () => {
  const t = '2026-11-23T12:00:00.000Z';
  const summary: Summary = {
    node: { nodeName: 'n1', startTime: t, cpu: { time: t, usageCoreNanoSeconds: 2_500_000_000 }, memory: { time: t, workingSetBytes: 1024 } },
    pods: [{
      podRef: { name: 'web', namespace: 'default', uid: 'u1' }, startTime: t,
      containers: [{ name: 'httpd', cpu: { time: t, usageCoreNanoSeconds: 500_000_000 }, memory: { time: t, workingSetBytes: 300 } }],
      cpu: { time: t, usageCoreNanoSeconds: 500_000_000 }, memory: { time: t, workingSetBytes: 300 },
    }],
  };
  const text = resourceMetrics(summary);
  assert.match(text, /^node_cpu_usage_seconds_total 2\.5$/m);
  assert.match(text, /^node_memory_working_set_bytes 1024$/m);
  assert.match(text, /^pod_memory_working_set_bytes\{namespace="default",pod="web"\} 300$/m);
  assert.match(text, /^container_cpu_usage_seconds_total\{container="httpd",namespace="default",pod="web"\} 0\.5$/m);
  assert.match(text, /^# TYPE container_memory_working_set_bytes gauge$/m);
  assert.match(text, /^scrape_error 0$/m);
});
