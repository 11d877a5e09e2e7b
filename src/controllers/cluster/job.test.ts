import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StatusError } from '../../api/errors.js';
import type { Informer } from '../../client/informer.js';
import { collectionPath, R } from '../../client/resources.js';
import { FakeInformer, fakeContext } from './fake-context.js';
import { jobController, orphanedFromJobs, podsOfFormerJob } from './job.js';
import { testJob } from './job-fixtures.js';
import { podForJob } from './job-pod-template.js';
import { backoffDelayMs, formatIndexes, isPodFailed, matchPodFailurePolicy, parseIndexes } from './job-pods.js';
import { JOB_TRACKING_FINALIZER, type Job } from './job-types.js';
import type { Pod } from './types.js';

const job = testJob;

let n = 0;
const podOf = (j: Job, phase: NonNullable<Pod['status']>['phase'], opts: { index?: number; deleting?: boolean; exitCode?: number; finalizer?: boolean } = {}): Pod => {
  const p = podForJob(j, opts.index);
  p.metadata.name = `${p.metadata.generateName}${n++}`;
  p.metadata.uid = `pod-${n}`;
  p.metadata.creationTimestamp = `2024-01-01T00:00:${String(n % 60).padStart(2, '0')}Z`;
  if (opts.finalizer === false) p.metadata.finalizers = [];
  if (opts.deleting) p.metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
  p.status = { phase, ...(opts.exitCode !== undefined ? { containerStatuses: [{ name: 'c', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: opts.exitCode } } }] } : {}) };
  return p;
};

/**
 * The API server's answers: created pods get names, a GET of the job returns `fresh` (null: not
 * found), an adoption patch the adopted pod.
 */
function harness(j: Job, pods: Pod[], fresh: Job | null = j) {
  const informers = new Map<string, FakeInformer>();
  informers.set(collectionPath(R.jobs), new FakeInformer().set(j));
  informers.set(collectionPath(R.pods), new FakeInformer().set(...pods));
  let created = 0;
  const h = fakeContext(informers, c => {
    if (c.method === 'POST') return { ...(c.body as object), metadata: { ...(c.body as Pod).metadata, name: `new-${created++}` } };
    if (c.method === 'GET') {
      if (!fresh) throw new StatusError(404, 'NotFound', `jobs.batch "${j.metadata.name}" not found`);
      return fresh;
    }
    const patch = (c.body as Pod | undefined)?.metadata;
    const pod = pods.find(p => c.path.endsWith(`/pods/${p.metadata.name}`));
    if (c.method === 'PATCH' && pod && patch?.ownerReferences?.[0]?.controller) {
      return { ...pod, metadata: { ...pod.metadata, ownerReferences: patch.ownerReferences, finalizers: [...(pod.metadata.finalizers ?? []), ...(patch.finalizers ?? [])] } };
    }
    return c.body;
  });
  const statuses = () => h.calls.filter(c => c.method === 'PUT' && c.path.endsWith('/status')).map(c => (c.body as Job).status!);
  return { ...h, statuses, run: () => jobController().reconcile('ns/pi', h.ctx) };
}

test('pods carry the job labels, tracking finalizer and controller reference; Indexed ones their index', () => {
  const p = podForJob(job(), undefined);
  assert.equal(p.metadata.generateName, 'pi-');
  assert.deepEqual(p.metadata.finalizers, [JOB_TRACKING_FINALIZER]);
  assert.equal(p.metadata.labels!['batch.kubernetes.io/job-name'], 'pi');
  assert.equal(p.metadata.labels!['controller-uid'], 'job-uid');
  assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid: 'job-uid', controller: true, blockOwnerDeletion: true }]);
  const ip = podForJob(job({ completionMode: 'Indexed' }), 3);
  assert.equal(ip.metadata.generateName, 'pi-3-');
  assert.equal(ip.metadata.annotations!['batch.kubernetes.io/job-completion-index'], '3');
  assert.equal(ip.metadata.labels!['batch.kubernetes.io/job-completion-index'], '3');
  assert.equal(ip.spec?.hostname, 'pi-3');
  assert.equal(ip.spec?.containers[0].env![0].name, 'JOB_COMPLETION_INDEX');
});

test('completed indexes round-trip in interval notation', () => {
  assert.equal(formatIndexes(new Set([5, 0, 1, 2, 7, 8])), '0-2,5,7-8');
  assert.deepEqual([...parseIndexes('0-2,5,7-8')], [0, 1, 2, 5, 7, 8]);
  assert.equal(formatIndexes(new Set()), '');
});

test('backoff doubles from 10s up to 10 minutes', () => {
  assert.deepEqual([0, 1, 2, 3, 10].map(backoffDelayMs), [0, 10_000, 20_000, 40_000, 600_000]);
});

test('terminating pods count as failed unless a podFailurePolicy waits for the Failed phase', () => {
  const j = job();
  assert.equal(isPodFailed(podOf(j, 'Running', { deleting: true }), j), true);
  assert.equal(isPodFailed(podOf(j, 'Succeeded', { deleting: true }), j), false);
  const withPolicy = job({ podFailurePolicy: { rules: [] } });
  assert.equal(isPodFailed(podOf(withPolicy, 'Running', { deleting: true }), withPolicy), false);
});

test('podFailurePolicy: first matching rule, exit code 0 never matches', () => {
  const j = job({ podFailurePolicy: { rules: [
    { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] },
    { action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } },
    { action: 'Count', onExitCodes: { operator: 'NotIn', values: [42] } },
  ] } });
  const failed42 = podOf(j, 'Failed', { exitCode: 42 });
  assert.deepEqual(matchPodFailurePolicy(j, failed42), { action: 'FailJob', message: `Container c for pod ns/${failed42.metadata.name} failed with exit code 42 matching FailJob rule at index 1` });
  assert.equal(matchPodFailurePolicy(j, podOf(j, 'Failed', { exitCode: 1 }))?.action, 'Count');
  assert.equal(matchPodFailurePolicy(j, podOf(j, 'Failed', { exitCode: 0 })), undefined);
  const disrupted = podOf(j, 'Failed', { exitCode: 42 });
  disrupted.status!.conditions = [{ type: 'DisruptionTarget', status: 'True' }];
  assert.equal(matchPodFailurePolicy(j, disrupted)?.action, 'Ignore');
});

test('reconcile: a new job gets startTime, pods up to parallelism, and active count', async () => {
  const h = harness(job({ completions: 3, parallelism: 2 }), []);
  await h.run();
  assert.equal(h.calls.filter(c => c.method === 'POST').length, 2);
  const [status] = h.statuses();
  assert.equal(status.active, 2);
  assert.ok(status.startTime);
});

const JOB_REF = { apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid: 'job-uid', controller: true, blockOwnerDeletion: true };
const JOB_PATH = '/apis/batch/v1/namespaces/ns/jobs/pi';
const podPath = (p: Pod) => `/api/v1/namespaces/ns/pods/${p.metadata.name}`;

/** A pod no controller owns, with the labels the job's selector asks for unless told otherwise. */
function bare(name: string, labels: Record<string, string> = { 'batch.kubernetes.io/controller-uid': 'job-uid' }): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns', uid: `${name}-uid`, labels, creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: { containers: [{ name: 'c' }] }, status: { phase: 'Running' },
  };
}

test('reconcile: an orphan the selector matches is adopted with the tracking finalizer, after a fresh read of the job', async () => {
  const j = job({ completions: 1, parallelism: 1 }, { startTime: '2024-01-01T00:00:00Z' });
  const orphan = bare('orphan');
  const h = harness(j, [orphan, bare('unmatched', { app: 'other' })]);
  await h.run();
  assert.deepEqual(h.calls.filter(c => c.method !== 'PUT').map(c => `${c.method} ${c.path}`), [`GET ${JOB_PATH}`, `PATCH ${podPath(orphan)}`],
    'the adopted pod is the job\'s one active pod: nothing created, the unmatched orphan left alone');
  assert.deepEqual(h.calls[1].body, { metadata: { ownerReferences: [JOB_REF], uid: 'orphan-uid', finalizers: [JOB_TRACKING_FINALIZER] } });
  assert.equal(h.statuses()[0].active, 1);
});

test('reconcile: a job being deleted, replaced by a namesake or gone on the fresh read adopts nothing', async () => {
  const j = job({ completions: 1, parallelism: 1 }, { startTime: '2024-01-01T00:00:00Z' });
  const deleting = { ...j, metadata: { ...j.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } };
  const cases: [string, Job, Job | null][] = [
    ['being deleted', deleting, deleting],
    ['deleted since the cache saw it', j, deleting],
    ['replaced by a namesake', j, { ...j, metadata: { ...j.metadata, uid: 'other-uid' } }],
    ['gone', j, null],
  ];
  for (const [why, cached, fresh] of cases) {
    const h = harness(cached, [bare('orphan')], fresh);
    await h.run();
    assert.ok(!h.calls.some(c => c.method === 'PATCH'), why);
  }
});

test('reconcile: owned pods the selector no longer matches are released with their finalizer; other controllers\' pods are ignored', async () => {
  const j = job({ completions: 1, parallelism: 1 }, { startTime: '2024-01-01T00:00:00Z' });
  const relabelled = podOf(j, 'Running');
  relabelled.metadata.labels = { app: 'elsewhere' };
  const foreign = bare('foreign');
  foreign.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs-uid', controller: true }];
  const h = harness(j, [relabelled, foreign]);
  await h.run();
  const patches = h.calls.filter(c => c.method === 'PATCH');
  assert.deepEqual(patches.map(c => c.path), [podPath(relabelled)]);
  assert.deepEqual(patches[0].body, { metadata: {
    ownerReferences: [{ $patch: 'delete', uid: 'job-uid' }], uid: relabelled.metadata.uid,
    '$deleteFromPrimitiveList/finalizers': [JOB_TRACKING_FINALIZER],
  } });
  assert.ok(!h.calls.some(c => c.method === 'GET'), 'releasing needs no fresh read');
  assert.equal(h.calls.filter(c => c.method === 'POST').length, 1, 'a pod for the job is created in its place');
  assert.equal(h.statuses()[0].active, 1);

  // A job being deleted keeps what it owns as it is.
  const deleting = { ...j, metadata: { ...j.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } };
  const h2 = harness(deleting, [relabelled]);
  await h2.run();
  assert.ok(!h2.calls.some(c => c.method === 'PATCH'));
});

test('reconcile: finished pods go through uncountedTerminatedPods, lose the finalizer, then count', async () => {
  const j = job({ completions: 2, parallelism: 2 }, { startTime: '2024-01-01T00:00:00Z', active: 2 });
  const done = podOf(j, 'Succeeded');
  const failed = podOf(j, 'Failed', { exitCode: 1 });
  const h = harness(j, [done, failed]);
  await h.run();
  const [first, last] = h.statuses();
  assert.deepEqual(first.uncountedTerminatedPods, { succeeded: [done.metadata.uid], failed: [failed.metadata.uid] });
  const patches = h.calls.filter(c => c.method === 'PATCH').map(c => c.path);
  assert.deepEqual(patches.sort(), [`/api/v1/namespaces/ns/pods/${done.metadata.name}`, `/api/v1/namespaces/ns/pods/${failed.metadata.name}`].sort());
  assert.equal(last.succeeded, 1);
  assert.equal(last.failed, 1);
  assert.deepEqual(last.uncountedTerminatedPods, {});
  // One more pod to reach two completions.
  assert.equal(h.calls.filter(c => c.method === 'POST').length, 1);
});

test('reconcile: reaching completions sets SuccessCriteriaMet and Complete with completionTime', async () => {
  const j = job({ completions: 1 }, { startTime: '2024-01-01T00:00:00Z', active: 1 });
  const h = harness(j, [podOf(j, 'Succeeded')]);
  await h.run();
  const last = h.statuses().at(-1)!;
  assert.equal(last.succeeded, 1);
  assert.deepEqual(last.conditions!.map(c => `${c.type}=${c.status}`), ['SuccessCriteriaMet=True', 'Complete=True']);
  assert.ok(last.completionTime);
  assert.ok(h.events.includes('Normal Completed Job completed'));
});

test('reconcile: backoffLimit exceeded fails the job after its pods are gone', async () => {
  const j = job({ backoffLimit: 0 }, { startTime: '2024-01-01T00:00:00Z', active: 1 });
  const h = harness(j, [podOf(j, 'Failed', { exitCode: 1 })]);
  await h.run();
  const last = h.statuses().at(-1)!;
  assert.equal(last.failed, 1);
  const failed = last.conditions!.find(c => c.type === 'Failed')!;
  assert.equal(failed.reason, 'BackoffLimitExceeded');
  assert.equal(failed.message, 'Job has reached the specified backoff limit');
  assert.equal(h.calls.filter(c => c.method === 'POST').length, 0);
});

test('reconcile: FailJob rule fails the job with reason PodFailurePolicy; Ignore does not count', async () => {
  const spec = { backoffLimit: 6, podFailurePolicy: { rules: [{ action: 'FailJob' as const, onExitCodes: { operator: 'In' as const, values: [42] } }, { action: 'Ignore' as const, onExitCodes: { operator: 'In' as const, values: [7] } }] } };
  const j = job(spec, { startTime: '2024-01-01T00:00:00Z' });
  const h = harness(j, [podOf(j, 'Failed', { exitCode: 42 })]);
  await h.run();
  assert.equal(h.statuses().at(-1)!.conditions!.find(c => c.type === 'Failed')!.reason, 'PodFailurePolicy');
  const h2 = harness(j, [podOf(j, 'Failed', { exitCode: 7 })]);
  await h2.run();
  assert.equal(h2.statuses().at(-1)!.failed, 0);
});

test('reconcile: activeDeadlineSeconds passed fails the job with DeadlineExceeded and deletes active pods', async () => {
  const j = job({ activeDeadlineSeconds: 1, parallelism: 1, completions: 1 }, { startTime: '2000-01-01T00:00:00Z', active: 1 });
  const running = podOf(j, 'Running');
  const h = harness(j, [running]);
  await h.run();
  assert.ok(h.calls.some(c => c.method === 'DELETE' && c.path.endsWith(running.metadata.name!)));
  const target = h.statuses().at(-1)!.conditions!.find(c => c.type === 'FailureTarget')!;
  assert.equal(target.reason, 'DeadlineExceeded');
  assert.equal(target.message, 'Job was active longer than specified deadline');
});

test('reconcile: Indexed job records completedIndexes and succeeds when all indexes are done', async () => {
  const j = job({ completionMode: 'Indexed', completions: 2, parallelism: 2 }, { startTime: '2024-01-01T00:00:00Z', completedIndexes: '0', succeeded: 1 });
  const h = harness(j, [podOf(j, 'Succeeded', { index: 1 })]);
  await h.run();
  const last = h.statuses().at(-1)!;
  assert.equal(last.completedIndexes, '0-1');
  assert.equal(last.succeeded, 2);
  assert.ok(last.conditions!.some(c => c.type === 'Complete'));
});

test('the tracking finalizer is no Job\'s to keep on pods without a controller or whose Job is gone, replaced or finished', () => {
  const running = job();
  const jobs = new FakeInformer<Job>().set(running);
  const tracked = (refs: Pod['metadata']['ownerReferences'], finalizers = [JOB_TRACKING_FINALIZER]): Pod =>
    ({ ...bare('p'), metadata: { ...bare('p').metadata, ownerReferences: refs, finalizers } });
  assert.equal(orphanedFromJobs(tracked(undefined), jobs as unknown as Informer<Job>), true, 'no controller, no job-name label');
  assert.equal(orphanedFromJobs(tracked(undefined, []), jobs as unknown as Informer<Job>), false, 'nothing to remove');
  assert.equal(orphanedFromJobs(tracked([JOB_REF]), jobs as unknown as Informer<Job>), false, 'its running Job keeps it');
  assert.equal(orphanedFromJobs(tracked([{ ...JOB_REF, uid: 'old-uid' }]), jobs as unknown as Informer<Job>), true, 'a replaced Job');
  assert.equal(orphanedFromJobs(tracked([{ ...JOB_REF, name: 'gone' }]), jobs as unknown as Informer<Job>), true, 'a deleted Job');
  assert.equal(orphanedFromJobs(tracked([{ ...JOB_REF, kind: 'ReplicaSet', apiVersion: 'apps/v1' }]), jobs as unknown as Informer<Job>), false, 'another kind\'s pod');
  jobs.set(job({}, { conditions: [{ type: 'Complete', status: 'True' }] }));
  assert.equal(orphanedFromJobs(tracked([JOB_REF]), jobs as unknown as Informer<Job>), true, 'a finished Job');
});

test('an orphan pod with the tracking finalizer loses it, guarded by the version the cache read; a pod of a running job keeps it', async () => {
  const orphan: Pod = { ...bare('stray', { app: 'elsewhere' }), metadata: { ...bare('stray', { app: 'elsewhere' }).metadata, resourceVersion: '7', finalizers: ['other', JOB_TRACKING_FINALIZER] } };
  const owned = podOf(job(), 'Running');
  const h = harness(job(), [orphan, owned]);
  await jobController().reconcile(`orphan-pod:ns/${orphan.metadata.name}`, h.ctx);
  await jobController().reconcile(`orphan-pod:ns/${owned.metadata.name}`, h.ctx);
  await jobController().reconcile('orphan-pod:ns/vanished', h.ctx);
  assert.deepEqual(h.calls, [{ method: 'PATCH', path: podPath(orphan), body: [
    { op: 'test', path: '/metadata/resourceVersion', value: '7' },
    { op: 'test', path: '/metadata/finalizers/1', value: JOB_TRACKING_FINALIZER },
    { op: 'remove', path: '/metadata/finalizers/1' },
  ] }]);
});

test('an orphan changed since the cache read (a 422 on the guard) is left for its next event', async () => {
  const orphan: Pod = { ...bare('stray'), metadata: { ...bare('stray').metadata, resourceVersion: '7', finalizers: [JOB_TRACKING_FINALIZER] } };
  const informers = new Map([[collectionPath(R.jobs), new FakeInformer()], [collectionPath(R.pods), new FakeInformer().set(orphan)]]);
  const h = fakeContext(informers, () => { throw new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request'); });
  await jobController().reconcile('orphan-pod:ns/stray', h.ctx);
  assert.equal(h.calls.length, 1);
});

test('a deleted or replaced job\'s pods are released when its name is reconciled (they get no event of their own)', async () => {
  const old = job();
  const ofOld = podOf(old, 'Running');
  ofOld.metadata.resourceVersion = '3';
  const replacement = { ...job(), metadata: { ...job().metadata, uid: 'new-uid' } };
  const current = podOf(replacement, 'Running');
  assert.deepEqual(podsOfFormerJob([ofOld, current, bare('untracked')], 'pi', 'new-uid'), [ofOld]);
  const h = harness(old, [ofOld]);
  (h.ctx.informer(R.jobs) as unknown as FakeInformer).items.clear();
  await h.run();
  assert.deepEqual(h.calls.map(c => `${c.method} ${c.path}`), [`PATCH ${podPath(ofOld)}`]);
  assert.deepEqual((h.calls[0].body as { value?: string }[])[0], { op: 'test', path: '/metadata/resourceVersion', value: '3' });
});

test('a finished job\'s pods still carrying the tracking finalizer lose it through the orphan path', async () => {
  const done = job({}, { conditions: [{ type: 'Complete', status: 'True' }] });
  const pod = podOf(done, 'Succeeded');
  pod.metadata.resourceVersion = '5';
  const h = harness(done, [pod, podOf(done, 'Succeeded', { finalizer: false })]);
  await h.run();
  assert.deepEqual(h.calls.map(c => `${c.method} ${c.path}`), [`PATCH ${podPath(pod)}`]);
  assert.deepEqual((h.calls[0].body as { value?: string }[])[0], { op: 'test', path: '/metadata/resourceVersion', value: '5' });
});
