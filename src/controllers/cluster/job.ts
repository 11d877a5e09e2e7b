// Job controller: runs pods until `completions` succeed (Indexed: one per index), at most
// `parallelism` at a time, and fails the job on backoffLimit, activeDeadlineSeconds or a FailJob
// podFailurePolicy rule. Every pod carries the job-tracking finalizer: a finished pod is first
// recorded in status.uncountedTerminatedPods, then released, then moved into the counters, so no
// pod is counted twice or lost across restarts. Finishing goes through FailureTarget or
// SuccessCriteriaMet (active pods are terminated) before the final Failed or Complete.
import { nowTimestamp } from '../../api/object.js';
import { objectKey, type Informer } from '../../client/informer.js';
import { objectPath, collectionPath, R } from '../../client/resources.js';
import type { Controller, ControllerContext } from '../types.js';
import { ownerKey, splitKey } from '../types.js';
import { ignoreNotFound } from '../../client/api-errors.js';
import { Expectations, expectationsFor } from '../expectations.js';
import { isTrue, setCondition } from './conditions.js';
import { podForJob } from './job-pod-template.js';
import {
  backoffDelayMs, deletionOrder, formatIndexes, isPodActive, isPodFailed, isPodReady, matchPodFailurePolicy, parseIndexes, podIndex,
} from './job-pods.js';
import { JOB_NAME, JOB_TRACKING_FINALIZER, finishedCondition, type Job, type JobStatus } from './job-types.js';
import { controlledBy, controllerOf, inNamespace } from '../owner-index.js';
import type { Condition, Pod } from './types.js';

const MAX_BURST = 500;
const hasFinalizer = (p: Pod) => p.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER) ?? false;
const isTerminal = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

interface Backoff { failures: number; lastFailureAt: number }

export function jobController(): Controller {
  /** Creations remember the completion index of an Indexed job's pod. */
  const expectations = new WeakMap<Informer, Expectations<number>>();
  const backoff = new Map<string, Backoff>();

  async function writeStatus(ctx: ControllerContext, job: Job, status: JobStatus): Promise<Job> {
    return ctx.client.update<Job>(objectPath(R.jobs, job.metadata.namespace, job.metadata.name!, 'status'), { ...job, status });
  }

  async function releaseFinalizers(ctx: ControllerContext, pods: Pod[]): Promise<void> {
    await Promise.all(pods.map(p => {
      const i = p.metadata.finalizers!.indexOf(JOB_TRACKING_FINALIZER);
      return ignoreNotFound(ctx.client.patch(objectPath(R.pods, p.metadata.namespace, p.metadata.name!), [
        { op: 'test', path: `/metadata/finalizers/${i}`, value: JOB_TRACKING_FINALIZER },
        { op: 'remove', path: `/metadata/finalizers/${i}` },
      ], 'json'));
    }));
  }

  async function deletePods(ctx: ControllerContext, exp: Expectations<number>, key: string, job: Job, pods: Pod[]): Promise<void> {
    await Promise.all(pods.map(async p => {
      exp.expectDeletions(key, [objectKey(p)]);
      await ignoreNotFound(ctx.client.delete(objectPath(R.pods, p.metadata.namespace, p.metadata.name!)));
      ctx.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
    }));
  }

  async function createPods(ctx: ControllerContext, exp: Expectations<number>, key: string, job: Job, indexes: (number | undefined)[]): Promise<void> {
    await Promise.all(indexes.slice(0, MAX_BURST).map(async index => {
      const pod = await ctx.client.create<Pod>(collectionPath(R.pods, job.metadata.namespace), podForJob(job, index));
      exp.expectCreation(key, objectKey(pod), index);
      ctx.recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
    }));
  }

  return {
    name: 'job',
    watches: [{ resource: R.jobs }, { resource: R.pods, mapTo: ownerKey('Job') }],
    workers: 4,
    async reconcile(key, ctx) {
      let job = ctx.informer<Job>(R.jobs).get(key);
      const podInformer = ctx.informer<Pod>(R.pods);
      const exp = expectationsFor(expectations, podInformer as unknown as Informer);
      // Pods of a deleted job (or orphaned from it) would keep the tracking finalizer forever.
      await releaseFinalizers(ctx, strayPods(inNamespace(podInformer, splitKey(key).namespace), splitKey(key).name, job?.metadata.uid));
      if (!job) {
        exp.forget(key);
        backoff.delete(key);
        return;
      }
      const pods = controlledBy(podInformer, job.metadata.uid!);
      if (finishedCondition(job)) {
        await releaseFinalizers(ctx, pods.filter(hasFinalizer));
        return;
      }
      const now = Date.now();
      const spec = job.spec;
      const indexed = spec.completionMode === 'Indexed';
      // Upstream defaulting: neither set means one pod to run once.
      const completions = spec.completions ?? (spec.parallelism === undefined ? 1 : undefined);
      const parallelism = spec.parallelism ?? 1;
      const status: JobStatus = structuredClone(job.status ?? {});
      const finishing = isTrue(status.conditions, 'FailureTarget') || isTrue(status.conditions, 'SuccessCriteriaMet');

      // 1. Record newly finished pods as uncounted (and completed indexes), before releasing them.
      const uncountedSucceeded = new Set(status.uncountedTerminatedPods?.succeeded ?? []);
      const uncountedFailed = new Set(status.uncountedTerminatedPods?.failed ?? []);
      const completed = parseIndexes(status.completedIndexes);
      const release: Pod[] = [];
      let newSucceeded = 0;
      let newFailed = 0;
      let failJobMessage: string | undefined;
      for (const pod of pods.filter(hasFinalizer)) {
        const uid = pod.metadata.uid!;
        if (uncountedSucceeded.has(uid) || uncountedFailed.has(uid)) { release.push(pod); continue; }
        if (pod.status?.phase === 'Succeeded') {
          uncountedSucceeded.add(uid);
          const ix = podIndex(pod);
          if (indexed && ix !== undefined && completions !== undefined && ix < completions) completed.add(ix);
          release.push(pod);
          newSucceeded++;
          continue;
        }
        if (!isPodFailed(pod, job) && !(finishing && pod.metadata.deletionTimestamp)) continue;
        const match = pod.status?.phase === 'Failed' ? matchPodFailurePolicy(job, pod) : undefined;
        release.push(pod);
        if (match?.action === 'Ignore') continue;
        if (match?.action === 'FailJob') failJobMessage ??= match.message;
        uncountedFailed.add(uid);
        newFailed++;
      }
      if (newSucceeded || newFailed) {
        status.uncountedTerminatedPods = { succeeded: [...uncountedSucceeded], failed: [...uncountedFailed] };
        if (indexed) status.completedIndexes = formatIndexes(completed);
        job = await writeStatus(ctx, job, status);
        const b = backoff.get(key);
        if (newSucceeded) backoff.delete(key);
        else backoff.set(key, { failures: (b?.failures ?? 0) + newFailed, lastFailureAt: now });
      }
      // 2. Release them; 3. move them into the counters.
      await releaseFinalizers(ctx, release);
      status.succeeded = indexed ? completed.size : (status.succeeded ?? 0) + uncountedSucceeded.size;
      status.failed = (status.failed ?? 0) + uncountedFailed.size;
      status.uncountedTerminatedPods = {};
      const released = new Set(release.map(p => p.metadata.uid));

      // Active pods, counting creations and deletions the cache has not shown yet.
      const pendingCreates = exp.pendingCreations(key, now);
      const pendingDeletes = exp.pendingDeletions(key, now);
      const active = pods.filter(p => isPodActive(p) && !pendingDeletes.has(objectKey(p)));
      const activeCount = active.length + pendingCreates.size;
      status.active = activeCount;
      status.ready = active.filter(isPodReady).length;
      status.terminating = pods.filter(p => p.metadata.deletionTimestamp && !isTerminal(p)).length;

      let conditions: Condition[] = status.conditions ?? [];
      const nowTs = nowTimestamp();
      if (!finishing) {
        const failure = failJobMessage ? { reason: 'PodFailurePolicy', message: failJobMessage }
          : status.failed > (spec.backoffLimit ?? 6) ? { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }
          : deadlinePassed(spec.activeDeadlineSeconds, status.startTime, now) ? { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' }
          : undefined;
        const succeeded = indexed ? completed.size >= (completions ?? 0)
          : completions !== undefined ? status.succeeded >= completions
          : status.succeeded > 0 && activeCount === 0;
        if (failure) {
          conditions = setCondition(conditions, { type: 'FailureTarget', status: 'True', ...failure }, nowTs);
          ctx.recorder.event(job, 'Warning', failure.reason, failure.message);
        } else if (succeeded) {
          conditions = setCondition(conditions, { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' }, nowTs);
        }
      }
      const target = conditions.find(c => (c.type === 'FailureTarget' || c.type === 'SuccessCriteriaMet') && c.status === 'True');
      if (target) {
        await deletePods(ctx, exp, key, job, active);
        const tracked = pods.some(p => hasFinalizer(p) && !released.has(p.metadata.uid));
        if (!tracked && !pendingCreates.size && !active.length) {
          if (target.type === 'FailureTarget') {
            conditions = setCondition(conditions, { type: 'Failed', status: 'True', reason: target.reason, message: target.message }, nowTs);
          } else {
            conditions = setCondition(conditions, { type: 'Complete', status: 'True', reason: target.reason, message: target.message }, nowTs);
            status.completionTime = nowTs;
            ctx.recorder.event(job, 'Normal', 'Completed', 'Job completed');
          }
        }
        status.active = 0;
        status.ready = 0;
      } else if (spec.suspend) {
        await deletePods(ctx, exp, key, job, active);
        if (!isTrue(conditions, 'Suspended')) ctx.recorder.event(job, 'Normal', 'Suspended', 'Job suspended');
        conditions = setCondition(conditions, { type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended' }, nowTs);
        delete status.startTime;
        status.active = 0;
      } else {
        if (isTrue(conditions, 'Suspended')) {
          conditions = setCondition(conditions, { type: 'Suspended', status: 'False', reason: 'JobResumed', message: 'Job resumed' }, nowTs);
          ctx.recorder.event(job, 'Normal', 'Resumed', 'Job resumed');
        }
        status.startTime ??= nowTs;
        if (spec.activeDeadlineSeconds !== undefined) {
          ctx.requeueAfter(key, Math.max(0, Date.parse(status.startTime) + spec.activeDeadlineSeconds * 1000 - now) + 100);
        }
        const plan = indexed
          ? planIndexed(active, pendingCreates, completed, completions ?? 0, parallelism)
          : planNonIndexed(active, activeCount, status.succeeded, completions, parallelism);
        if (plan.remove.length) await deletePods(ctx, exp, key, job, plan.remove);
        if (plan.create.length) {
          const b = backoff.get(key);
          const wait = b ? b.lastFailureAt + backoffDelayMs(b.failures) - now : 0;
          if (wait > 0) ctx.requeueAfter(key, wait);
          else {
            await createPods(ctx, exp, key, job, plan.create);
            status.active = activeCount + Math.min(plan.create.length, MAX_BURST) - plan.remove.length;
          }
        } else {
          status.active = activeCount - plan.remove.length;
        }
      }
      status.conditions = conditions.length ? conditions : undefined;
      if (!status.conditions) delete status.conditions;
      if (JSON.stringify(status) !== JSON.stringify(job.status ?? {})) await writeStatus(ctx, job, status);
    },
  };
}

/** Tracked pods of the named job that it does not (or no longer) control. */
export function strayPods(podsInNamespace: Pod[], jobName: string, jobUid: string | undefined): Pod[] {
  return podsInNamespace.filter(p => {
    if (!hasFinalizer(p)) return false;
    const ref = controllerOf(p);
    if (ref) return ref.kind === 'Job' && ref.name === jobName && ref.uid !== jobUid;
    return p.metadata.labels?.[JOB_NAME] === jobName;
  });
}

function deadlinePassed(seconds: number | undefined, startTime: string | undefined, now: number): boolean {
  return seconds !== undefined && !!startTime && Date.parse(startTime) + seconds * 1000 <= now;
}

export interface PodPlan { create: (number | undefined)[]; remove: Pod[] }

/** NonIndexed: keep min(parallelism, completions - succeeded) pods running. */
export function planNonIndexed(active: Pod[], activeCount: number, succeeded: number, completions: number | undefined, parallelism: number): PodPlan {
  // Without completions (a work queue), the first success means no new pods; the rest finish on their own.
  const want = completions === undefined ? (succeeded > 0 ? activeCount : parallelism) : Math.min(parallelism, Math.max(0, completions - succeeded));
  if (want > activeCount) return { create: new Array(want - activeCount).fill(undefined), remove: [] };
  if (want < activeCount) return { create: [], remove: [...active].sort(deletionOrder).slice(0, Math.min(active.length, activeCount - want)) };
  return { create: [], remove: [] };
}

/** Indexed: one active pod per pending index, lowest first, at most `parallelism` in all. */
export function planIndexed(active: Pod[], pendingCreates: Map<string, number | undefined>, completed: Set<number>, completions: number, parallelism: number): PodPlan {
  const remove: Pod[] = [];
  const running = new Set<number>([...pendingCreates.values()].filter((i): i is number => i !== undefined));
  for (const p of [...active].sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''))) {
    const ix = podIndex(p);
    // Pods without a valid index, for a completed index, or duplicating another pod's index go.
    if (ix === undefined || ix >= completions || completed.has(ix) || running.has(ix)) remove.push(p);
    else running.add(ix);
  }
  const kept = active.filter(p => !remove.includes(p));
  let excess = kept.length + pendingCreates.size - parallelism;
  if (excess > 0) {
    const byIndexDesc = [...kept].sort((a, b) => (podIndex(b) ?? 0) - (podIndex(a) ?? 0));
    for (const p of byIndexDesc) { if (excess-- <= 0) break; remove.push(p); running.delete(podIndex(p)!); }
  }
  const create: number[] = [];
  const room = parallelism - Math.min(kept.length + pendingCreates.size, parallelism);
  for (let i = 0; i < completions && create.length < room; i++) if (!completed.has(i) && !running.has(i)) create.push(i);
  return { create, remove };
}
