import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StatusError } from '../../api/errors.js';
import { fakeContext, type Call } from '../cluster/fake-context.js';
import { apiMetricSource } from './metrics-client.js';
import { ScaleTargets } from './scale-target.js';

const now = '2026-01-01T12:00:00Z';

function client(answers: Record<string, unknown>) {
  const { ctx, calls } = fakeContext(new Map(), (c: Call) => {
    if (c.path in answers) return answers[c.path];
    throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
  });
  return { source: apiMetricSource(ctx.client, new ScaleTargets(), 'ns', 'app=web'), calls };
}

test('resource metrics: PodMetrics of the target\'s pods by label selector', async () => {
  const { source, calls } = client({
    '/apis/metrics.k8s.io/v1beta1/namespaces/ns/pods': { items: [{ metadata: { name: 'a', namespace: 'ns' }, timestamp: now, window: '15s', containers: [{ name: 'c', usage: { cpu: '20m' } }] }] },
  });
  assert.equal((await source.resourceMetrics('cpu', '')).get('a')?.value, 20);
  assert.deepEqual(calls[0], { method: 'GET', path: '/apis/metrics.k8s.io/v1beta1/namespaces/ns/pods', body: { labelSelector: 'app=web' } });
  const empty = client({ '/apis/metrics.k8s.io/v1beta1/namespaces/ns/pods': { items: [] } });
  await assert.rejects(empty.source.resourceMetrics('cpu', ''), /^Error: no metrics returned from resource metrics API$/);
});

test('custom metrics: every pod\'s under pods/*, an object\'s under its qualified resource, a namespace\'s under metrics', async () => {
  const { source, calls } = client({
    '/apis/custom.metrics.k8s.io/v1beta2/namespaces/ns/pods/*/qps': { items: [{ describedObject: { name: 'a' }, timestamp: now, value: '1500m' }, { describedObject: { name: 'b' }, timestamp: now, windowSeconds: 30, value: 2 }] },
    '/api/v1': { groupVersion: 'v1', resources: [{ name: 'services', kind: 'Service', namespaced: true }] },
    '/apis': { groups: [] },
    '/apis/custom.metrics.k8s.io/v1beta2/namespaces/ns/services/front/rps': { items: [{ describedObject: { name: 'front' }, timestamp: now, value: '42' }] },
    '/apis/custom.metrics.k8s.io/v1beta2/namespaces/ns/metrics/load': { items: [{ describedObject: { name: 'ns' }, timestamp: now, value: '7' }, { describedObject: { name: 'ns' }, timestamp: now, value: '8' }] },
  });
  const pods = await source.podsMetric('qps', 'verb=GET');
  assert.deepEqual([...pods].map(([k, v]) => [k, v.value, v.windowMs]), [['a', 1500, 60_000], ['b', 2000, 30_000]]);
  assert.deepEqual(calls[0].body, { labelSelector: 'app=web', metricLabelSelector: 'verb=GET' });
  assert.equal(await source.objectMetric({ apiVersion: 'v1', kind: 'Service', name: 'front' }, 'rps', ''), 42_000);
  assert.deepEqual(calls.at(-1)!.body, {});
  await assert.rejects(source.objectMetric({ apiVersion: 'v1', kind: 'Namespace', name: 'whatever' }, 'load', ''),
    /^Error: unable to fetch metrics from custom metrics API: the custom metrics API server returned 2 results when we asked for exactly one$/);
  await assert.rejects(source.podsMetric('nope', ''), /^Error: unable to fetch metrics from custom metrics API: the server could not find the requested resource$/);
});

test('external metrics: the values of the metric by its selector; none is an error', async () => {
  const { source, calls } = client({
    '/apis/external.metrics.k8s.io/v1beta1/namespaces/ns/queue': { items: [{ value: '3' }, { value: '500m' }] },
    '/apis/external.metrics.k8s.io/v1beta1/namespaces/ns/empty': { items: [] },
  });
  assert.deepEqual(await source.externalMetric('queue', 'q=jobs'), [3000, 500]);
  assert.deepEqual(calls[0].body, { labelSelector: 'q=jobs' });
  await assert.rejects(source.externalMetric('empty', ''), /^Error: no metrics returned from external metrics API$/);
});
