import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DEFAULT_CALCULATOR_OPTIONS, groupPods, plainMetricReplicas, podRequests, resourceReplicas, resourceUtilizationRatio, type CalculatorOptions,
} from './replica-calculator.js';
import type { Pod, PodMetricsInfo } from './types.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const opts: CalculatorOptions = DEFAULT_CALCULATOR_OPTIONS;

interface PodOpts {
  cpu?: string;
  phase?: string;
  ready?: 'True' | 'False' | 'none';
  /** How long ago the pod started and last changed readiness. */
  startedAgo?: number;
  readySince?: number;
  deleted?: boolean;
  containers?: { name: string; cpu?: string }[];
}

function pod(name: string, o: PodOpts = {}): Pod {
  const startedAgo = o.startedAgo ?? 10 * 60_000;
  const containers = o.containers ?? [{ name: 'app', cpu: o.cpu ?? '1' }];
  return {
    metadata: { name, namespace: 'ns', ...(o.deleted ? { deletionTimestamp: iso(NOW) } : {}) },
    spec: { containers: containers.map(c => ({ name: c.name, resources: c.cpu === undefined ? {} : { requests: { cpu: c.cpu } } })) },
    status: {
      phase: o.phase ?? 'Running',
      startTime: iso(NOW - startedAgo),
      conditions: o.ready === 'none' ? [] : [{ type: 'Ready', status: o.ready ?? 'True', lastTransitionTime: iso(NOW - (o.readySince ?? startedAgo)) }],
    },
  };
}

function readings(values: Record<string, number>, takenAgo = 5_000, windowMs = 30_000): PodMetricsInfo {
  return new Map(Object.entries(values).map(([name, value]) => [name, { timestampMs: NOW - takenAgo, windowMs, value }]));
}

const input = (pods: Pod[], metrics: PodMetricsInfo, currentReplicas = pods.length, resource = 'cpu', container = '') =>
  ({ currentReplicas, resource, container, pods, metrics, now: NOW });

describe('resourceReplicas (target utilization of requests)', () => {
  test('scales up by the usage ratio of the ready pods', () => {
    const pods = [pod('a'), pod('b'), pod('c')];
    const r = resourceReplicas(input(pods, readings({ a: 300, b: 500, c: 700 })), 30, opts);
    assert.deepEqual(r, { replicas: 5, ratio: 50 / 30, utilization: 50, rawAverage: 500 });
  });

  test('scales down by the usage ratio', () => {
    const pods = ['a', 'b', 'c', 'd', 'e'].map(n => pod(n));
    const r = resourceReplicas(input(pods, readings({ a: 100, b: 300, c: 500, d: 250, e: 250 })), 50, opts);
    assert.equal(r.utilization, 28);
    assert.equal(r.replicas, 3);
  });

  test('a ratio within the tolerance keeps the current count', () => {
    const pods = [pod('a'), pod('b'), pod('c')];
    assert.equal(resourceReplicas(input(pods, readings({ a: 1050, b: 1000, c: 1100 })), 100, opts).replicas, 3);
    assert.equal(resourceReplicas(input(pods, readings({ a: 1050, b: 1000, c: 1100 })), 100, { ...opts, tolerance: 0.01 }).replicas, 4);
  });

  test('utilization is rounded down and the average is per pod with a reading', () => {
    const pods = [pod('a', { cpu: '300m' }), pod('b', { cpu: '300m' })];
    const r = resourceReplicas(input(pods, readings({ a: 100, b: 101 })), 50, opts);
    assert.equal(r.utilization, 33);
    assert.equal(r.rawAverage, 100);
  });

  test('on a scale-up, pods without readings count as using nothing', () => {
    const pods = [pod('a'), pod('b'), pod('c'), pod('d')];
    // Ready pods at 100 % of a 50 % target ask for double; counting d at 0 % gives 75 % → ceil(1.5 × 4) = 6.
    assert.equal(resourceReplicas(input(pods, readings({ a: 1000, b: 1000, c: 1000 })), 50, opts).replicas, 6);
  });

  test('on a scale-down, pods without readings count as using their whole request', () => {
    const pods = [pod('a'), pod('b'), pod('c'), pod('d')];
    // 10 % of a 50 % target; d at 100 % gives 32 % → ceil(0.64 × 4) = 3.
    assert.equal(resourceReplicas(input(pods, readings({ a: 100, b: 100, c: 100 })), 50, opts).replicas, 3);
  });

  test('on a scale-down with a target above 100 %, missing pods count at the target', () => {
    const pods = [pod('a'), pod('b'), pod('c'), pod('d')];
    // 10 % of a 200 % target; d at 200 % gives 57 % → ratio 0.285 → ceil(1.14) = 2.
    assert.equal(resourceReplicas(input(pods, readings({ a: 100, b: 100, c: 100 })), 200, opts).replicas, 2);
  });

  test('missing pods that turn a scale-up around keep the current count', () => {
    const pods = [pod('a'), pod('b'), pod('c'), pod('d')];
    // 60 % against a 50 % target; with b, c, d at 0 % it would be 15 %: no change.
    assert.equal(resourceReplicas(input(pods, readings({ a: 600 })), 50, opts).replicas, 4);
  });

  test('on a scale-up, unready pods count as using nothing', () => {
    const pods = [pod('a'), pod('b'), pod('c', { startedAgo: 120_000, ready: 'False', readySince: 60_000 })];
    // a, b at 100 % of a 50 % target: with c at 0 % → 66 % → ratio 1.33 → ceil(4) = 4.
    assert.equal(resourceReplicas(input(pods, readings({ a: 1000, b: 1000, c: 1000 })), 50, opts).replicas, 4);
  });

  test('unready pods are left out of a scale-down', () => {
    const pods = [pod('a'), pod('b'), pod('c', { startedAgo: 120_000, ready: 'False', readySince: 60_000 })];
    // a, b at 10 % of 50 %: 2 × 0.2 → 1 (c's reading of a full CPU is not used).
    assert.equal(resourceReplicas(input(pods, readings({ a: 100, b: 100, c: 1000 })), 50, opts).replicas, 1);
  });

  test('pending pods are unready, deleted and failed pods ignored', () => {
    const pods = [pod('a'), pod('p', { phase: 'Pending' }), pod('x', { deleted: true }), pod('f', { phase: 'Failed' })];
    const groups = groupPods(pods, readings({ a: 1, x: 1, f: 1 }), 'cpu', opts, NOW);
    assert.deepEqual(groups, { readyPodCount: 1, unready: new Set(['p']), missing: new Set(), ignored: new Set(['x', 'f']) });
  });

  test('a starting pod counts once ready and a whole window has been measured since', () => {
    const start = { startedAgo: 60_000 };
    const metrics = readings({ a: 1, b: 1, c: 1, d: 1 }, 5_000, 30_000);
    const pods = [
      pod('a', { ...start, readySince: 50_000 }), // reading taken 5 s ago, window 30 s, ready 50 s ago: counts
      pod('b', { ...start, readySince: 20_000 }), // ready only 20 s ago: its reading still spans unready time
      pod('c', { ...start, ready: 'False', readySince: 50_000 }),
      pod('d', { ...start, ready: 'none' }),
    ];
    const groups = groupPods(pods, metrics, 'cpu', opts, NOW);
    assert.equal(groups.readyPodCount, 1);
    assert.deepEqual([...groups.unready].sort(), ['b', 'c', 'd']);
    // Past the initialization period only pods that were never ready after starting are left out.
    const old = { startedAgo: 10 * 60_000 };
    const later = groupPods([pod('e', { ...old, ready: 'False', readySince: 9 * 60_000 }), pod('f', { ...old, ready: 'False', readySince: 10 * 60_000 - 10_000 })],
      readings({ e: 1, f: 1 }), 'cpu', opts, NOW);
    assert.deepEqual([...later.unready], ['f']);
    // Memory readings are trusted at once.
    assert.equal(groupPods(pods, metrics, 'memory', opts, NOW).readyPodCount, 4);
  });

  test('the errors upstream gives', () => {
    assert.throws(() => resourceReplicas(input([], readings({})), 50, opts), /^Error: no pods returned by selector while calculating replica count$/);
    assert.throws(() => resourceReplicas(input([pod('a', { phase: 'Pending' })], readings({ a: 5 })), 50, opts),
      /^Error: did not receive metrics for targeted pods \(pods might be unready\)$/);
    assert.throws(() => resourceReplicas(input([pod('a', { containers: [{ name: 'app' }] })], readings({ a: 5 })), 50, opts),
      /^Error: missing request for cpu in container app of Pod a$/);
    assert.throws(() => resourceUtilizationRatio(readings({ z: 5 }), new Map([['a', 100]]), 50), /no metrics returned matched known pods/);
  });

  test('a container metric counts only that container\'s request', () => {
    const p = pod('a', { containers: [{ name: 'app', cpu: '200m' }, { name: 'sidecar' }] });
    assert.deepEqual(podRequests([p], 'app', 'cpu'), new Map([['a', 200]]));
    assert.throws(() => podRequests([p], '', 'cpu'), /missing request for cpu in container sidecar of Pod a/);
    const r = resourceReplicas(input([p], readings({ a: 300 }), 1, 'cpu', 'app'), 50, opts);
    assert.deepEqual([r.utilization, r.replicas], [150, 3]);
  });

  test('restartable init containers (sidecars) count towards the request', () => {
    const p = pod('a');
    p.spec!.initContainers = [{ name: 'side', restartPolicy: 'Always', resources: { requests: { cpu: '500m' } } }, { name: 'init', resources: {} }];
    assert.deepEqual(podRequests([p], '', 'cpu'), new Map([['a', 1500]]));
  });
});

describe('plainMetricReplicas (target average value)', () => {
  test('scales by the average against the target', () => {
    const pods = [pod('a'), pod('b')];
    assert.deepEqual(plainMetricReplicas(input(pods, readings({ a: 400, b: 600 })), 250, opts), { replicas: 4, usage: 500 });
    assert.deepEqual(plainMetricReplicas(input(pods, readings({ a: 100, b: 100 })), 400, opts), { replicas: 1, usage: 100 });
  });

  test('on a scale-down a pod without a reading counts at the target', () => {
    const pods = [pod('a'), pod('b'), pod('c')];
    // a, b at 100 of a 400 target; c at 400 → average 200 → ceil(0.5 × 3) = 2.
    assert.equal(plainMetricReplicas(input(pods, readings({ a: 100, b: 100 })), 400, opts).replicas, 2);
  });
});
