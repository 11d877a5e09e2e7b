// The Job controller's decisions, as a pure function of what it observes (the job, the pods it
// controls, its own writes the cache has not shown yet, its backoff) to what it must do: record
// newly finished pods, release their tracking finalizers, delete and create pods, emit events and
// write the status with its conditions. `job.ts` only gathers the inputs and carries out the plan.
import { isTrue, setCondition } from '../../api/conditions.js';
import { isPodActive, isPodReady, isPodTerminal } from '../../api/pod-state.js';
import {
  backoffDelayMs, deletionOrder, formatIndexes, isPodFailed, matchPodFailurePolicy, parseIndexes, podIndex,
} from './job-pods.js';
import { JOB_TRACKING_FINALIZER, type Job, type JobStatus } from './job-types.js';
import type { Condition, Pod } from './types.js';

/** At most this many pods are created in one pass. */
export const MAX_BURST = 500;

export const hasTrackingFinalizer = (p: Pod) => p.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER) ?? false;

/** Failed attempts since the last success, for the delay before the next pod. */
export interface Backoff { failures: number; lastFailureAt: number }

export interface JobObservation {
  /** A job without a Complete or Failed condition. */
  job: Job;
  /** The pods the job controls, as the cache has them. */
  pods: Pod[];
  /** Pods created but not yet in the cache, by name, with their completion index. */
  pendingCreates: Map<string, number | undefined>;
  /** Names of pods deleted but still in the cache without a deletionTimestamp. */
  pendingDeletes: Set<string>;
  backoff: Backoff | undefined;
  now: number;
  /** `now` as an API timestamp, for conditions and status times. */
  nowTs: string;
}

export interface JobEvent { type: 'Normal' | 'Warning'; reason: string; message: string }

export interface JobActions {
  /** Status to write first: newly finished pods in uncountedTerminatedPods, before they are released. */
  recordUncounted?: JobStatus;
  /** The backoff after this pass. */
  backoff: Backoff | undefined;
  /** Finished pods whose tracking finalizer comes off (after recordUncounted is written). */
  release: Pod[];
  remove: Pod[];
  /** Pods to create, by completion index (undefined for NonIndexed). */
  create: (number | undefined)[];
  events: JobEvent[];
  /** Delays after which to look at the job again, in the order asked. */
  requeueAfterMs: number[];
  /** The status to write when it differs from the job's. */
  status: JobStatus;
}

export function planJob(o: JobObservation): JobActions {
  const { job, pods, now, nowTs } = o;
  const spec = job.spec;
  const indexed = spec.completionMode === 'Indexed';
  // Upstream defaulting: neither set means one pod to run once.
  const completions = spec.completions ?? (spec.parallelism === undefined ? 1 : undefined);
  const parallelism = spec.parallelism ?? 1;
  const status: JobStatus = structuredClone(job.status ?? {});
  const finishing = isTrue(status.conditions, 'FailureTarget') || isTrue(status.conditions, 'SuccessCriteriaMet');
  const actions: JobActions = { backoff: o.backoff, release: [], remove: [], create: [], events: [], requeueAfterMs: [], status };

  // 1. Record newly finished pods as uncounted (and completed indexes), before releasing them.
  const finished = countFinished(job, pods, status, indexed, completions, finishing);
  actions.release = finished.release;
  if (finished.newSucceeded || finished.newFailed) {
    status.uncountedTerminatedPods = { succeeded: [...finished.uncountedSucceeded], failed: [...finished.uncountedFailed] };
    if (indexed) status.completedIndexes = formatIndexes(finished.completed);
    actions.recordUncounted = structuredClone(status);
    actions.backoff = finished.newSucceeded ? undefined : { failures: (o.backoff?.failures ?? 0) + finished.newFailed, lastFailureAt: now };
  }
  // 2. They are released; 3. moved into the counters.
  const completed = finished.completed;
  status.succeeded = indexed ? completed.size : (status.succeeded ?? 0) + finished.uncountedSucceeded.size;
  status.failed = (status.failed ?? 0) + finished.uncountedFailed.size;
  status.uncountedTerminatedPods = {};
  const released = new Set(finished.release.map(p => p.metadata.uid));

  // Active pods, counting creations and deletions the cache has not shown yet.
  const active = pods.filter(p => isPodActive(p) && !o.pendingDeletes.has(p.metadata.name!));
  const activeCount = active.length + o.pendingCreates.size;
  status.active = activeCount;
  status.ready = active.filter(isPodReady).length;
  status.terminating = pods.filter(p => p.metadata.deletionTimestamp && !isPodTerminal(p)).length;

  let conditions: Condition[] = status.conditions ?? [];
  if (!finishing) {
    const failure = finished.failJobMessage ? { reason: 'PodFailurePolicy', message: finished.failJobMessage }
      : status.failed > (spec.backoffLimit ?? 6) ? { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }
      : deadlinePassed(spec.activeDeadlineSeconds, status.startTime, now) ? { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' }
      : undefined;
    const succeeded = indexed ? completed.size >= (completions ?? 0)
      : completions !== undefined ? status.succeeded >= completions
      : status.succeeded > 0 && activeCount === 0;
    if (failure) {
      conditions = setCondition(conditions, { type: 'FailureTarget', status: 'True', ...failure }, nowTs);
      actions.events.push({ type: 'Warning', ...failure });
    } else if (succeeded) {
      conditions = setCondition(conditions, { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' }, nowTs);
    }
  }
  const target = conditions.find(c => (c.type === 'FailureTarget' || c.type === 'SuccessCriteriaMet') && c.status === 'True');
  if (target) {
    // Finishing: active pods are terminated; the final condition waits for every pod to be released.
    actions.remove = active;
    const tracked = pods.some(p => hasTrackingFinalizer(p) && !released.has(p.metadata.uid));
    if (!tracked && !o.pendingCreates.size && !active.length) {
      if (target.type === 'FailureTarget') {
        conditions = setCondition(conditions, { type: 'Failed', status: 'True', reason: target.reason, message: target.message }, nowTs);
      } else {
        conditions = setCondition(conditions, { type: 'Complete', status: 'True', reason: target.reason, message: target.message }, nowTs);
        status.completionTime = nowTs;
        actions.events.push({ type: 'Normal', reason: 'Completed', message: 'Job completed' });
      }
    }
    status.active = 0;
    status.ready = 0;
  } else if (spec.suspend) {
    actions.remove = active;
    if (!isTrue(conditions, 'Suspended')) actions.events.push({ type: 'Normal', reason: 'Suspended', message: 'Job suspended' });
    conditions = setCondition(conditions, { type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended' }, nowTs);
    delete status.startTime;
    status.active = 0;
  } else {
    if (isTrue(conditions, 'Suspended')) {
      conditions = setCondition(conditions, { type: 'Suspended', status: 'False', reason: 'JobResumed', message: 'Job resumed' }, nowTs);
      actions.events.push({ type: 'Normal', reason: 'Resumed', message: 'Job resumed' });
    }
    status.startTime ??= nowTs;
    if (spec.activeDeadlineSeconds !== undefined) {
      actions.requeueAfterMs.push(Math.max(0, Date.parse(status.startTime) + spec.activeDeadlineSeconds * 1000 - now) + 100);
    }
    const plan = indexed
      ? planIndexed(active, o.pendingCreates, completed, completions ?? 0, parallelism)
      : planNonIndexed(active, activeCount, status.succeeded, completions, parallelism);
    actions.remove = plan.remove;
    status.active = activeCount - plan.remove.length;
    if (plan.create.length) {
      const b = actions.backoff;
      const wait = b ? b.lastFailureAt + backoffDelayMs(b.failures) - now : 0;
      if (wait > 0) {
        actions.requeueAfterMs.push(wait);
        status.active = activeCount;
      } else {
        actions.create = plan.create.slice(0, MAX_BURST);
        status.active = activeCount + actions.create.length - plan.remove.length;
      }
    }
  }
  status.conditions = conditions.length ? conditions : undefined;
  if (!status.conditions) delete status.conditions;
  return actions;
}

interface FinishedPods {
  uncountedSucceeded: Set<string>;
  uncountedFailed: Set<string>;
  /** Completed indexes (Indexed jobs), the newly finished ones included. */
  completed: Set<number>;
  /** Tracked pods that finished, newly or already recorded: their finalizer comes off. */
  release: Pod[];
  newSucceeded: number;
  newFailed: number;
  /** The message of the first FailJob podFailurePolicy rule a newly failed pod matched. */
  failJobMessage?: string;
}

/** Tracked pods that finished, added to what the status already records as uncounted. */
function countFinished(job: Job, pods: Pod[], status: JobStatus, indexed: boolean, completions: number | undefined, finishing: boolean): FinishedPods {
  const out: FinishedPods = {
    uncountedSucceeded: new Set(status.uncountedTerminatedPods?.succeeded ?? []),
    uncountedFailed: new Set(status.uncountedTerminatedPods?.failed ?? []),
    completed: parseIndexes(status.completedIndexes),
    release: [],
    newSucceeded: 0,
    newFailed: 0,
  };
  for (const pod of pods.filter(hasTrackingFinalizer)) {
    const uid = pod.metadata.uid!;
    if (out.uncountedSucceeded.has(uid) || out.uncountedFailed.has(uid)) { out.release.push(pod); continue; }
    if (pod.status?.phase === 'Succeeded') {
      out.uncountedSucceeded.add(uid);
      const ix = podIndex(pod);
      if (indexed && ix !== undefined && completions !== undefined && ix < completions) out.completed.add(ix);
      out.release.push(pod);
      out.newSucceeded++;
      continue;
    }
    // While finishing, the pods being terminated count as failed once deleted.
    if (!isPodFailed(pod, job) && !(finishing && pod.metadata.deletionTimestamp)) continue;
    const match = pod.status?.phase === 'Failed' ? matchPodFailurePolicy(job, pod) : undefined;
    out.release.push(pod);
    if (match?.action === 'Ignore') continue;
    if (match?.action === 'FailJob') out.failJobMessage ??= match.message;
    out.uncountedFailed.add(uid);
    out.newFailed++;
  }
  return out;
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
