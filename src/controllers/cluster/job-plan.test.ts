import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testJob } from './job-fixtures.js';
import { podForJob } from './job-pod-template.js';
import { MAX_BURST, planIndexed, planJob, planNonIndexed, type JobObservation } from './job-plan.js';
import type { Job } from './job-types.js';
import type { Pod } from './types.js';

const NOW = Date.parse('2024-01-01T01:00:00Z');
const NOW_TS = '2024-01-01T01:00:00Z';

const job = testJob;

let n = 0;
function pod(j: Job, phase: NonNullable<Pod['status']>['phase'], opts: { index?: number; deleting?: boolean; ready?: boolean } = {}): Pod {
  const p = podForJob(j, opts.index);
  n++;
  p.metadata.name = `pi-${n}`;
  p.metadata.uid = `pod-${n}`;
  p.metadata.creationTimestamp = `2024-01-01T00:00:${String(n % 60).padStart(2, '0')}Z`;
  if (opts.deleting) p.metadata.deletionTimestamp = '2024-01-01T00:59:00Z';
  p.status = { phase, ...(opts.ready ? { conditions: [{ type: 'Ready', status: 'True' }] } : {}) };
  return p;
}

const observe = (j: Job, pods: Pod[], more: Partial<JobObservation> = {}): JobObservation => ({
  job: j, pods, pendingCreates: new Map(), pendingDeletes: new Set(), backoff: undefined, now: NOW, nowTs: NOW_TS, ...more,
});

const conditionsOf = (s: { conditions?: { type: string; status: string }[] }) => (s.conditions ?? []).map(c => `${c.type}=${c.status}`);

test('a new job: pods up to parallelism, startTime now, nothing recorded or released', () => {
  const a = planJob(observe(job({ completions: 5, parallelism: 2 }), []));
  assert.deepEqual(a.create, [undefined, undefined]);
  assert.deepEqual(a.remove, []);
  assert.equal(a.recordUncounted, undefined);
  assert.deepEqual(a.release, []);
  assert.equal(a.status.startTime, NOW_TS);
  assert.equal(a.status.active, 2);
  assert.deepEqual(a.requeueAfterMs, []);
});

test('neither completions nor parallelism: one pod, run once', () => {
  assert.equal(planJob(observe(job(), [])).create.length, 1);
  const j = job({}, { startTime: NOW_TS });
  const a = planJob(observe(j, [pod(j, 'Succeeded')]));
  assert.deepEqual(a.create, []);
  assert.deepEqual(conditionsOf(a.status), ['SuccessCriteriaMet=True', 'Complete=True']);
});

test('creations the cache has not shown count as active; deletions it has not shown do not', () => {
  const j = job({ completions: 5, parallelism: 3 }, { startTime: NOW_TS });
  const running = [pod(j, 'Running', { ready: true }), pod(j, 'Running')];
  const a = planJob(observe(j, running, { pendingCreates: new Map([['pi-x', undefined]]), pendingDeletes: new Set([running[1].metadata.name!]) }));
  // One running + one being created: one more to reach parallelism 3.
  assert.equal(a.create.length, 1);
  assert.equal(a.status.active, 3);
  assert.equal(a.status.ready, 1);
});

test('finished pods: recorded as uncounted first, released, then counted', () => {
  const j = job({ completions: 3, parallelism: 1 }, { startTime: NOW_TS, succeeded: 1 });
  const done = pod(j, 'Succeeded');
  const failed = pod(j, 'Failed');
  const a = planJob(observe(j, [done, failed]));
  assert.deepEqual(a.recordUncounted?.uncountedTerminatedPods, { succeeded: [done.metadata.uid], failed: [failed.metadata.uid] });
  assert.equal(a.recordUncounted?.succeeded, 1);
  assert.deepEqual(a.release, [done, failed]);
  assert.equal(a.status.succeeded, 2);
  assert.equal(a.status.failed, 1);
  assert.deepEqual(a.status.uncountedTerminatedPods, {});
  // A success resets the backoff.
  assert.equal(a.backoff, undefined);
});

test('pods already recorded as uncounted are released without being recorded again', () => {
  const done = pod(job(), 'Succeeded');
  const j = job({ completions: 2 }, { startTime: NOW_TS, uncountedTerminatedPods: { succeeded: [done.metadata.uid!] } });
  const a = planJob(observe(j, [done]));
  assert.equal(a.recordUncounted, undefined);
  assert.deepEqual(a.release, [done]);
  assert.equal(a.status.succeeded, 1);
});

test('failures start a backoff: the next pod waits, the job is looked at when it ends', () => {
  const j = job({ completions: 1 }, { startTime: NOW_TS });
  const a = planJob(observe(j, [pod(j, 'Failed')], { backoff: { failures: 1, lastFailureAt: NOW - 5000 } }));
  assert.deepEqual(a.backoff, { failures: 2, lastFailureAt: NOW });
  assert.deepEqual(a.create, []);
  assert.deepEqual(a.requeueAfterMs, [20_000]);
  assert.equal(a.status.active, 0);
  // Once the backoff has passed, the pod is created.
  const later = planJob(observe(job({ completions: 1 }, { startTime: NOW_TS, failed: 2 }), [], { backoff: { failures: 2, lastFailureAt: NOW - 20_000 } }));
  assert.equal(later.create.length, 1);
});

test('a failed job: FailureTarget first, active pods deleted, Failed once every pod is released', () => {
  const j = job({ backoffLimit: 0, parallelism: 2, completions: 4 }, { startTime: NOW_TS });
  const failed = pod(j, 'Failed');
  const running = pod(j, 'Running');
  const a = planJob(observe(j, [failed, running]));
  assert.deepEqual(conditionsOf(a.status), ['FailureTarget=True']);
  assert.deepEqual(a.remove, [running]);
  assert.deepEqual(a.create, []);
  assert.deepEqual(a.events, [{ type: 'Warning', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }]);
  assert.equal(a.status.active, 0);

  const finishing = job(j.spec, a.status);
  const b = planJob(observe(finishing, []));
  assert.deepEqual(conditionsOf(b.status), ['FailureTarget=True', 'Failed=True']);
  assert.equal(b.status.conditions![1].reason, 'BackoffLimitExceeded');
});

test('while finishing, a deleted running pod counts as failed', () => {
  const j = job({ completions: 1, podFailurePolicy: { rules: [] } }, { startTime: NOW_TS, conditions: [{ type: 'FailureTarget', status: 'True', reason: 'DeadlineExceeded' }] });
  const going = pod(j, 'Running', { deleting: true });
  const a = planJob(observe(j, [going]));
  assert.deepEqual(a.recordUncounted?.uncountedTerminatedPods, { succeeded: [], failed: [going.metadata.uid] });
  assert.deepEqual(conditionsOf(a.status), ['FailureTarget=True', 'Failed=True']);
});

test('activeDeadlineSeconds: a requeue for when it ends, then DeadlineExceeded', () => {
  const j = job({ activeDeadlineSeconds: 60 }, { startTime: new Date(NOW - 30_000).toISOString() });
  const a = planJob(observe(j, [pod(j, 'Running')]));
  assert.deepEqual(a.requeueAfterMs, [30_100]);
  const late = job({ activeDeadlineSeconds: 60 }, { startTime: new Date(NOW - 61_000).toISOString() });
  const b = planJob(observe(late, [pod(late, 'Running')]));
  assert.equal(b.status.conditions?.[0].reason, 'DeadlineExceeded');
  assert.equal(b.remove.length, 1);
});

test('suspend deletes active pods and clears startTime; resume records JobResumed', () => {
  const j = job({ suspend: true, parallelism: 2 }, { startTime: NOW_TS });
  const running = pod(j, 'Running');
  const a = planJob(observe(j, [running]));
  assert.deepEqual(a.remove, [running]);
  assert.equal(a.status.startTime, undefined);
  assert.deepEqual(conditionsOf(a.status), ['Suspended=True']);
  assert.deepEqual(a.events.map(e => e.reason), ['Suspended']);
  // Suspended again: no second event.
  assert.deepEqual(planJob(observe(job(j.spec, a.status), [])).events, []);

  const resumed = planJob(observe(job({ parallelism: 2 }, a.status), []));
  assert.deepEqual(conditionsOf(resumed.status), ['Suspended=False']);
  assert.equal(resumed.status.conditions![0].reason, 'JobResumed');
  assert.deepEqual(resumed.events.map(e => e.reason), ['Resumed']);
  assert.equal(resumed.create.length, 2);
});

test('at most MAX_BURST pods are created in one pass', () => {
  const a = planJob(observe(job({ parallelism: MAX_BURST + 20, completions: 10_000 }), []));
  assert.equal(a.create.length, MAX_BURST);
  assert.equal(a.status.active, MAX_BURST);
});

test('Indexed: completed indexes recorded in interval notation; pods for the lowest missing ones', () => {
  const j = job({ completionMode: 'Indexed', completions: 4, parallelism: 2 }, { startTime: NOW_TS, completedIndexes: '0' });
  const a = planJob(observe(j, [pod(j, 'Succeeded', { index: 1 })]));
  assert.equal(a.recordUncounted?.completedIndexes, '0-1');
  assert.equal(a.status.succeeded, 2);
  assert.deepEqual(a.create, [2, 3]);
});

test('the plan does not change the observed job', () => {
  const j = job({ completions: 2 }, { startTime: NOW_TS });
  const before = structuredClone(j);
  planJob(observe(j, [pod(j, 'Succeeded')]));
  assert.deepEqual(j, before);
});

test('plans: NonIndexed keeps min(parallelism, remaining) running', () => {
  assert.equal(planNonIndexed([], 0, 0, 5, 2).create.length, 2);
  assert.equal(planNonIndexed([], 0, 4, 5, 2).create.length, 1);
  assert.equal(planNonIndexed([], 1, 4, 5, 2).create.length, 0);
  const j = job();
  const three = [pod(j, 'Running'), pod(j, 'Pending'), pod(j, 'Running')];
  assert.equal(planNonIndexed(three, 3, 0, 10, 1).remove.length, 2);
  // Work queue: after a success no new pods.
  assert.equal(planNonIndexed([], 0, 1, undefined, 3).create.length, 0);
  assert.equal(planNonIndexed([], 0, 0, undefined, 3).create.length, 3);
});

test('plans: Indexed creates the lowest missing indexes and removes duplicates', () => {
  const j = job({ completionMode: 'Indexed', completions: 5, parallelism: 3 });
  const active = [pod(j, 'Running', { index: 1 }), pod(j, 'Running', { index: 1 })];
  const plan = planIndexed(active, new Map(), new Set([0]), 5, 3);
  assert.deepEqual(plan.create, [2, 3]);
  assert.deepEqual(plan.remove, [active[1]]);
  assert.deepEqual(planIndexed([], new Map([['x', 2]]), new Set([0, 1]), 5, 2).create, [3]);
});
