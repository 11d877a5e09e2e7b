import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StatusError } from '../../api/errors.js';
import { collectionPath, R } from '../../client/resources.js';
import { fakeContext, FakeInformer, type Call } from '../cluster/fake-context.js';
import { DEFAULT_HPA_OPTIONS, horizontalPodAutoscalerController } from './horizontal-pod-autoscaler.js';
import { componentRegistry, exposition } from '../../metrics/registry.js';
import { HpaMetrics, type HpaMonitor } from './hpa-metrics.js';
import type { HorizontalPodAutoscaler, Pod } from './types.js';

const hour = new Date(Date.now() - 3_600_000).toISOString();

function pod(name: string): Pod {
  return {
    metadata: { name, namespace: 'ns', labels: { app: 'web' } },
    spec: { containers: [{ name: 'app', resources: { requests: { cpu: '100m' } } }] },
    status: { phase: 'Running', startTime: hour, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: hour }] },
  };
}

const hpa = (behavior?: HorizontalPodAutoscaler['spec']): HorizontalPodAutoscaler => ({
  metadata: { name: 'web', namespace: 'ns', uid: 'u1', resourceVersion: '5' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    minReplicas: 1, maxReplicas: 10,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
    ...behavior,
  },
});

/** The API the controller talks to: discovery, the Deployment's scale, and (optionally) the metrics API. */
function api(state: { replicas: number; cpu?: Record<string, string> }) {
  return (c: Call): unknown => {
    if (c.path === '/api/v1') return { groupVersion: 'v1', resources: [{ name: 'pods', kind: 'Pod', namespaced: true }] };
    if (c.path === '/apis') return { groups: [{ name: 'apps', preferredVersion: { version: 'v1' }, versions: [{ version: 'v1' }] }] };
    if (c.path === '/apis/apps/v1') return { groupVersion: 'apps/v1', resources: [{ name: 'deployments', kind: 'Deployment', namespaced: true }, { name: 'deployments/scale', kind: 'Scale', namespaced: true }] };
    if (c.path === '/apis/apps/v1/namespaces/ns/deployments/web/scale') {
      if (c.method === 'PUT') state.replicas = (c.body as { spec: { replicas: number } }).spec.replicas;
      return { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web', namespace: 'ns', resourceVersion: '9' }, spec: { replicas: state.replicas }, status: { replicas: state.replicas, selector: 'app=web' } };
    }
    if (c.path === '/apis/metrics.k8s.io/v1beta1/namespaces/ns/pods' && state.cpu) {
      assert.deepEqual(c.body, { labelSelector: 'app=web' });
      return { items: Object.entries(state.cpu).map(([name, cpu]) => ({ metadata: { name, namespace: 'ns' }, timestamp: new Date().toISOString(), window: '15s', containers: [{ name: 'app', usage: { cpu } }] })) };
    }
    if (c.method === 'PUT' && c.path.endsWith('/status')) return c.body;
    throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
  };
}

function setup(state: { replicas: number; cpu?: Record<string, string> }, object = hpa(), monitor?: HpaMonitor) {
  const informers = new Map<string, FakeInformer>();
  informers.set(collectionPath(R.horizontalpodautoscalers), new FakeInformer().set(object));
  informers.set(collectionPath(R.pods), new FakeInformer().set(pod('p1'), pod('p2'), { ...pod('other'), metadata: { name: 'other', namespace: 'ns', labels: { app: 'db' } } }));
  return { ...fakeContext(informers, api(state)), controller: horizontalPodAutoscalerController({ ...DEFAULT_HPA_OPTIONS, monitor }) };
}

const statusWrites = (calls: Call[]) => calls.filter(c => c.method === 'PUT' && c.path.endsWith('/status')).map(c => (c.body as HorizontalPodAutoscaler).status!);

test('scales the target up through its scale subresource and reports it in status and an event', async () => {
  const state = { replicas: 2, cpu: { p1: '150m', p2: '150m' } };
  const { ctx, calls, events, requeues, controller } = setup(state);
  await controller.reconcile('ns/web', ctx);
  // 150 % of a 50 % target on 2 pods: 6, within double-or-4 of 2.
  assert.equal(state.replicas, 4);
  assert.deepEqual(events, ['Normal SuccessfulRescale New size: 4; reason: cpu resource utilization (percentage of request) above target']);
  const [status] = statusWrites(calls);
  assert.equal(status.currentReplicas, 2);
  assert.equal(status.desiredReplicas, 4);
  assert.ok(status.lastScaleTime);
  assert.deepEqual(status.currentMetrics, [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 150, averageValue: '150m' } } }]);
  assert.deepEqual(status.conditions!.map(c => [c.type, c.status, c.reason, c.message]), [
    ['AbleToScale', 'True', 'SucceededRescale', 'the HPA controller was able to update the target scale to 4'],
    ['ScalingActive', 'True', 'ValidMetricFound', 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)'],
    ['ScalingLimited', 'True', 'ScaleUpLimit', 'the desired replica count is increasing faster than the maximum scale rate'],
  ]);
  assert.deepEqual(requeues, [['ns/web', DEFAULT_HPA_OPTIONS.syncPeriodMs]]);
  // Another change (e.g. its own status write) within the period only waits for the next sync.
  const before = calls.length;
  await controller.reconcile('ns/web', ctx);
  assert.equal(calls.length, before);
  assert.equal(requeues.length, 2);
  assert.ok(requeues[1][1] > 0 && requeues[1][1] <= DEFAULT_HPA_OPTIONS.syncPeriodMs);
});

test('without metrics: warning events, ScalingActive=False, no rescale', async () => {
  const state = { replicas: 2 };
  const { ctx, calls, events, controller } = setup(state);
  await assert.rejects(controller.reconcile('ns/web', ctx), /failed to compute desired number of replicas based on listed metrics for Deployment\/ns\/web: invalid metrics \(1 invalid out of 1\)/);
  assert.equal(state.replicas, 2);
  const cause = 'failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource';
  assert.deepEqual(events, [
    `Warning FailedGetResourceMetric ${cause}`,
    `Warning FailedComputeMetricsReplicas invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: ${cause}`,
  ]);
  const [status] = statusWrites(calls);
  assert.deepEqual(status.conditions!.map(c => [c.type, c.status, c.reason]), [['AbleToScale', 'True', 'SucceededGetScale'], ['ScalingActive', 'False', 'FailedGetResourceMetric']]);
  assert.deepEqual([status.currentReplicas, status.desiredReplicas, status.currentMetrics], [2, 0, [{ type: '' }]]);
});

test('a target kind nobody serves: FailedGetScale', async () => {
  const object = hpa();
  object.spec!.scaleTargetRef = { apiVersion: 'example.com/v1', kind: 'Widget', name: 'w' };
  const { ctx, calls, events, controller } = setup({ replicas: 1 }, object);
  await assert.rejects(controller.reconcile('ns/web', ctx), /failed to query scale subresource for Widget\/ns\/w/);
  assert.deepEqual(events, ['Warning FailedGetScale no matches for kind "Widget" in group "example.com"']);
  assert.deepEqual(statusWrites(calls)[0].conditions!.map(c => [c.type, c.status, c.reason, c.message]),
    [['AbleToScale', 'False', 'FailedGetScale', 'the HPA controller was unable to get the target\'s current scale: no matches for kind "Widget" in group "example.com"']]);
});

test('a target above maxReplicas is brought down without reading metrics; one at zero is left alone', async () => {
  const state = { replicas: 12 };
  const { ctx, events, controller } = setup(state);
  await controller.reconcile('ns/web', ctx);
  assert.equal(state.replicas, 10);
  assert.deepEqual(events, ['Normal SuccessfulRescale New size: 10; reason: Current number of replicas above Spec.MaxReplicas']);
  const idle = setup({ replicas: 0 });
  await idle.controller.reconcile('ns/web', idle.ctx);
  const [status] = statusWrites(idle.calls);
  assert.deepEqual(status.conditions!.find(c => c.type === 'ScalingActive'),
    { type: 'ScalingActive', status: 'False', reason: 'ScalingDisabled', message: 'scaling is disabled since the replica count of the target is zero', lastTransitionTime: status.conditions![1].lastTransitionTime });
});

test('two HPAs whose targets share pods: AmbiguousSelector', async () => {
  const state = { replicas: 2, cpu: { p1: '50m', p2: '50m' } };
  const { ctx, events, controller } = setup(state);
  const second = { ...hpa(), metadata: { name: 'web2', namespace: 'ns', uid: 'u2' } };
  (ctx.informer(R.horizontalpodautoscalers) as unknown as FakeInformer).set(second);
  await controller.reconcile('ns/web', ctx);
  await assert.rejects(controller.reconcile('ns/web2', ctx), /failed to compute desired number of replicas/);
  assert.ok(events.includes('Warning AmbiguousSelector pods by selector app=web are controlled by multiple HPAs: [ns/web ns/web2]'), events.join('\n'));
});

test('an HPA stored without metrics (autoscaling/v1 without a CPU target) scales on 80 % CPU', async () => {
  const object = hpa();
  delete object.spec!.metrics;
  const state = { replicas: 2, cpu: { p1: '160m', p2: '160m' } };
  const { ctx, events, controller } = setup(state, object);
  await controller.reconcile('ns/web', ctx);
  assert.equal(state.replicas, 4);
  assert.deepEqual(events, ['Normal SuccessfulRescale New size: 4; reason: cpu resource utilization (percentage of request) above target']);
});

test('reconciliations and metric computations are counted by action and error, under upstream\'s names', async () => {
  const registry = componentRegistry();
  const monitor = new HpaMetrics(registry);
  const up = setup({ replicas: 2, cpu: { p1: '150m', p2: '150m' } }, hpa(), monitor);
  await up.controller.reconcile('ns/web', up.ctx);
  const failing = setup({ replicas: 2 }, hpa(), monitor);
  await assert.rejects(failing.controller.reconcile('ns/web', failing.ctx));
  const ghost = hpa();
  ghost.spec!.scaleTargetRef = { apiVersion: 'a/b/c', kind: 'Ghost', name: 'g' };
  const spec = setup({ replicas: 2 }, ghost, monitor);
  await assert.rejects(spec.controller.reconcile('ns/web', spec.ctx), /unexpected GroupVersion string: a\/b\/c/);
  const text = await exposition(registry);
  assert.match(text, /^horizontal_pod_autoscaler_controller_reconciliations_total\{action="scale_up",error="none"\} 1$/m);
  assert.match(text, /^horizontal_pod_autoscaler_controller_reconciliations_total\{action="none",error="internal"\} 1$/m);
  assert.match(text, /^horizontal_pod_autoscaler_controller_reconciliations_total\{action="none",error="spec"\} 1$/m);
  assert.match(text, /^horizontal_pod_autoscaler_controller_metric_computation_total\{action="scale_up",error="none",metric_type="Resource"\} 1$/m);
  assert.match(text, /^horizontal_pod_autoscaler_controller_metric_computation_total\{action="none",error="internal",metric_type="Resource"\} 1$/m);
  assert.match(text, /^horizontal_pod_autoscaler_controller_reconciliation_duration_seconds_bucket\{action="scale_up",error="none",le="16.384"\} 1$/m);
  assert.match(text, /^# HELP horizontal_pod_autoscaler_controller_reconciliations_total \[ALPHA\] Number of reconciliations of HPA controller\./m);
});
