import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PodStartupTracker } from './pod-startup-latency.js';
import type { PodObject } from './types.js';

const CREATED = Date.parse('2026-01-01T00:00:00Z');

function pod(status?: PodObject['status']): PodObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'd', uid: 'u1', creationTimestamp: new Date(CREATED).toISOString() }, spec: { containers: [{ name: 'c', image: 'i' }] }, status };
}
const running = (): PodObject['status'] => ({
  phase: 'Running', startTime: new Date(CREATED + 1000).toISOString(),
  containerStatuses: [{ name: 'c', image: 'i', imageID: '', ready: true, restartCount: 0, state: { running: { startedAt: new Date(CREATED + 9000).toISOString() } } }],
});

function tracker() {
  const sli: number[] = [];
  const start: number[] = [];
  let now = CREATED;
  const t = new PodStartupTracker({ podStartSliDuration: s => sli.push(s), podStartDuration: s => start.push(s) }, () => now);
  return { t, sli, start, at: (ms: number) => (now = CREATED + ms) };
}

test('the SLI runs from creation to every container seen running, image pulls left out; once per pod', () => {
  const { t, sli, start, at } = tracker();
  at(500);
  t.observed(pod({ phase: 'Pending' }));
  at(1000);
  t.pullStarted('u1');
  at(4000);
  t.pullFinished('u1');
  at(5000);
  t.pullStarted('u1'); // a second image: the span runs from the first start to the last finish
  at(7000);
  t.pullFinished('u1');
  at(10_000);
  t.observed(pod(running()));
  assert.deepEqual(sli, [10 - 6], 'ten seconds since creation, six of them pulling');
  assert.deepEqual(start, [9.5], 'from first seen at 0.5 s to Running at 10 s');
  at(20_000);
  t.observed(pod(running()));
  assert.equal(sli.length, 1);
  assert.equal(start.length, 1);
});

test('Running with a container still waiting counts the start, not the SLI yet', () => {
  const { t, sli, start, at } = tracker();
  t.observed(pod({ phase: 'Pending' }));
  at(2000);
  const partial = running()!;
  partial.containerStatuses = [...partial.containerStatuses!, { name: 'b', image: 'i', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }];
  t.observed(pod(partial));
  assert.deepEqual(start, [2]);
  assert.deepEqual(sli, []);
  at(3000);
  t.observed(pod(running()));
  assert.deepEqual(sli, [3]);
  assert.deepEqual(start, [2]);
});

test('pods first seen already started (adopted after a restart), forgotten or finished pods are not measured', () => {
  const { t, sli, start } = tracker();
  t.observed(pod(running()));
  t.observed(pod(running()));
  assert.deepEqual([sli, start], [[], []]);
  const other = tracker();
  other.t.observed(pod({ phase: 'Pending' }));
  other.t.forget('u1');
  other.t.observed(pod(running()));
  assert.deepEqual([other.sli, other.start], [[], []]);
  const finished = tracker();
  finished.t.observed(pod({ phase: 'Pending' }));
  finished.t.observed(pod({ ...running(), phase: 'Succeeded' }));
  finished.t.observed(pod(running()));
  assert.deepEqual([finished.sli, finished.start], [[], []], 'a pod that finished is no longer tracked');
});
