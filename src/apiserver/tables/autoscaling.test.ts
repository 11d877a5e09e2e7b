import assert from 'node:assert/strict';
import { test } from 'node:test';
import { columns, row } from './testing.js';

const ref = { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' };

test('HPA columns', () => {
  assert.deepEqual(columns('autoscaling', 'horizontalpodautoscalers'), [
    'Name:string:name:0', 'Reference:string::0', 'Targets:string::0', 'MinPods:string::0', 'MaxPods:string::0', 'Replicas:string::0', 'Age:string::0',
  ]);
});

test('v2 HPA: metrics by index, at most two, the rest counted', () => {
  const r = row('autoscaling', 'horizontalpodautoscalers', {
    metadata: { name: 'web' },
    spec: {
      scaleTargetRef: ref, minReplicas: 2, maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
        { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } },
      ],
    },
    status: { currentReplicas: 3, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 45, averageValue: '120m' } } }] },
  });
  assert.deepEqual([r.Reference, r.Targets, r.MinPods, r.MaxPods, r.Replicas], ['Deployment/web', 'cpu: 45%/80%, memory: <unknown>/500Mi + 1 more...', '2', 10, 3]);
});

test('v1 HPA: targetCPUUtilizationPercentage reads as a cpu Resource metric', () => {
  const r = row('autoscaling', 'horizontalpodautoscalers', {
    metadata: { name: 'web' }, spec: { scaleTargetRef: ref, maxReplicas: 5, targetCPUUtilizationPercentage: 50 }, status: { currentReplicas: 1 },
  });
  assert.deepEqual([r.Targets, r.MinPods], ['cpu: <unknown>/50%', '<unset>']);
  const measured = row('autoscaling', 'horizontalpodautoscalers', {
    metadata: { name: 'web' }, spec: { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 50 }, status: { currentCPUUtilizationPercentage: 12 },
  });
  assert.equal(measured.Targets, 'cpu: 12%/50%');
});

test('object and external metrics', () => {
  const r = row('autoscaling', 'horizontalpodautoscalers', {
    metadata: { name: 'q' },
    spec: {
      scaleTargetRef: ref, maxReplicas: 3,
      metrics: [
        { type: 'External', external: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: '30' } } },
        { type: 'Object', object: { metric: { name: 'rps' }, target: { type: 'Value', value: '2k' } } },
      ],
    },
    status: { currentMetrics: [{ type: 'External', external: { current: { averageValue: '12' } } }, { type: 'Object', object: { current: { value: '1500' } } }] },
  });
  assert.equal(r.Targets, '12/30 (avg), 1500/2k');
});
