// Job controller: runs pods until `completions` succeed (Indexed: one per index), at most
// `parallelism` at a time, and fails the job on backoffLimit, activeDeadlineSeconds or a FailJob
// podFailurePolicy rule. Every pod carries the job-tracking finalizer: a finished pod is first
// recorded in status.uncountedTerminatedPods, then released, then moved into the counters, so no
// pod is counted twice or lost across restarts. Finishing goes through FailureTarget or
// SuccessCriteriaMet (active pods are terminated) before the final Failed or Complete.
// Its pods are claimed as upstream's getPodsForJob does: matching orphans are adopted (with the
// tracking finalizer), owned pods its selector no longer matches are released (without it). As
// upstream's orphan queue, any pod with the tracking finalizer that no running Job controls (none
// at all, or a Job since deleted, replaced or finished) loses it, keyed apart from the jobs
// (orphanPodKey).
// What to do is decided in job-plan.ts; this file gathers its inputs and carries it out.
import { nowTimestamp } from '../../api/object.js';
import type { LabelSelector } from '../../api/selectors/label-selector.js';
import { ignoreNotFound } from '../../client/api-errors.js';
import { objectKey, type Informer } from '../../client/informer.js';
import { objectPath, collectionPath, R } from '../../client/resources.js';
import { Expectations, expectationsFor } from '../expectations.js';
import { candidatesFor, controlledBy, controllerOf, inNamespace } from '../owner-index.js';
import type { Controller, ControllerContext } from '../types.js';
import { splitKey } from '../types.js';
import { claim, controllerRefTo, ignoreGone, ownerIsCurrent } from '../workloads/controller-ref.js';
import { ownedObjectsWatch, selectorOf, type OwnerKind } from '../workloads/selecting-owners.js';
import { podForJob } from './job-pod-template.js';
import { hasTrackingFinalizer as hasFinalizer, planJob, type Backoff, type JobActions } from './job-plan.js';
import { JOB_TRACKING_FINALIZER, finishedCondition, type Job, type JobStatus } from './job-types.js';
import type { Pod } from './types.js';
import { jsonEqual } from '../../util/json-equal.js';

export function jobController(): Controller {
  /** Creations remember the completion index of an Indexed job's pod. */
  const expectations = new WeakMap<Informer, Expectations<number>>();
  const backoff = new Map<string, Backoff>();

  async function writeStatus(ctx: ControllerContext, job: Job, status: JobStatus): Promise<Job> {
    return ctx.client.update<Job>(objectPath(R.jobs, job.metadata.namespace, job.metadata.name!, 'status'), { ...job, status });
  }

  async function releaseFinalizers(ctx: ControllerContext, pods: Pod[]): Promise<void> {
    await Promise.all(pods.map(p => ignoreNotFound(ctx.client.patch(podPath(p), finalizerRemoval(p), 'json'))));
  }

  /**
   * Upstream's syncOrphanPod. The patch holds only if the pod is as the cache read it: a job
   * adopting it meanwhile keeps the finalizer (the changed pod comes back through its watch).
   */
  async function releaseOrphan(ctx: ControllerContext, pod: Pod | undefined): Promise<void> {
    if (!pod || !orphanedFromJobs(pod, ctx.informer<Job>(R.jobs))) return;
    await ignoreGone(ctx.client.patch(podPath(pod), [
      { op: 'test', path: '/metadata/resourceVersion', value: pod.metadata.resourceVersion },
      ...finalizerRemoval(pod),
    ], 'json'));
  }

  async function deletePods(ctx: ControllerContext, exp: Expectations<number>, key: string, job: Job, pods: Pod[]): Promise<void> {
    await Promise.all(pods.map(async p => {
      exp.expectDeletions(key, [objectKey(p)]);
      await ignoreNotFound(ctx.client.delete(podPath(p)));
      ctx.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
    }));
  }

  async function createPods(ctx: ControllerContext, exp: Expectations<number>, key: string, job: Job, indexes: (number | undefined)[]): Promise<void> {
    await Promise.all(indexes.map(async index => {
      const pod = await ctx.client.create<Pod>(collectionPath(R.pods, job.metadata.namespace), podForJob(job, index));
      exp.expectCreation(key, objectKey(pod), index);
      ctx.recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
    }));
  }

  async function execute(ctx: ControllerContext, exp: Expectations<number>, key: string, job: Job, actions: JobActions): Promise<void> {
    if (actions.recordUncounted) job = await writeStatus(ctx, job, actions.recordUncounted);
    if (actions.backoff) backoff.set(key, actions.backoff); else backoff.delete(key);
    await releaseFinalizers(ctx, actions.release);
    for (const e of actions.events) ctx.recorder.event(job, e.type, e.reason, e.message);
    for (const ms of actions.requeueAfterMs) ctx.requeueAfter(key, ms);
    if (actions.remove.length) await deletePods(ctx, exp, key, job, actions.remove);
    if (actions.create.length) await createPods(ctx, exp, key, job, actions.create);
    if (!jsonEqual(actions.status, job.status ?? {})) await writeStatus(ctx, job, actions.status);
  }

  /** The pods a running job controls after adopting and releasing as upstream's getPodsForJob. */
  function claimPods(ctx: ControllerContext, job: Job, selector: LabelSelector): Promise<Pod[]> {
    const ns = job.metadata.namespace!;
    return claim({
      client: ctx.client, owner: job, ownerRef: controllerRefTo(job, 'batch/v1', 'Job'), selector,
      candidates: candidatesFor(ctx.informer<Pod>(R.pods), job),
      pathOf: p => objectPath(R.pods, ns, p.metadata.name!),
      ownerStillValid: () => ownerIsCurrent(ctx.client, objectPath(R.jobs, ns, job.metadata.name!), job.metadata.uid!),
      finalizers: [JOB_TRACKING_FINALIZER],
    });
  }

  return {
    name: 'job',
    watches: [
      { resource: R.jobs },
      ownedObjectsWatch(R.pods, jobs),
      { resource: R.pods, mapTo: (pod, ctx) => orphanedFromJobs(pod as Pod, ctx.informer<Job>(R.jobs)) ? [orphanPodKey(pod as Pod)] : [] },
    ],
    workers: 4,
    async reconcile(key, ctx) {
      if (key.startsWith(ORPHAN_POD)) return releaseOrphan(ctx, ctx.informer<Pod>(R.pods).get(key.slice(ORPHAN_POD.length)));
      let job = ctx.informer<Job>(R.jobs).get(key);
      const podInformer = ctx.informer<Pod>(R.pods);
      const exp = expectationsFor(expectations, podInformer as unknown as Informer);
      // An unparseable selector selects nothing (validation rejects it); a finished job claims nothing more.
      const selector = job && selectorOf(job.spec.selector);
      const running = job && selector && !finishedCondition(job) ? job : undefined;
      const pods = running ? await claimPods(ctx, running, selector!) : [];
      // As upstream's deleteJob: the pods a deleted (or replaced) job of this name controlled get
      // no event of their own, so they go through the orphan path from here.
      const { namespace, name } = splitKey(key);
      await Promise.all(podsOfFormerJob(inNamespace(podInformer, namespace), name, job?.metadata.uid).map(p => releaseOrphan(ctx, p)));
      if (!job) {
        exp.forget(key);
        backoff.delete(key);
        return;
      }
      if (!selector) return;
      if (!running) {
        // A finished job keeps no finalizer: its pods take the orphan path, which its pods' events take too.
        const owned = controlledBy(podInformer, job.metadata.uid!).filter(p => selector.matches(p.metadata.labels));
        await Promise.all(owned.map(p => releaseOrphan(ctx, p)));
        return;
      }
      const now = Date.now();
      const actions = planJob({
        job,
        pods,
        pendingCreates: exp.pendingCreations(key, now),
        // The job's pods share its namespace: the plan knows them by name.
        pendingDeletes: new Set([...exp.pendingDeletions(key, now)].map(k => splitKey(k).name)),
        backoff: backoff.get(key),
        now,
        nowTs: nowTimestamp(),
      });
      await execute(ctx, exp, key, job, actions);
    },
  };
}

/** Jobs in the pod watch: a pod's controlling Job, or the Jobs that may adopt an orphan. */
function jobs(ctx: ControllerContext): OwnerKind<Job> {
  return { kind: 'Job', owners: ctx.informer<Job>(R.jobs), selector: j => selectorOf(j.spec.selector) };
}

/** Keys of orphan pods, apart from jobs' keys (namespaces hold no ':'). */
const ORPHAN_POD = 'orphan-pod:';
const orphanPodKey = (pod: Pod) => `${ORPHAN_POD}${objectKey(pod)}`;

const podPath = (p: Pod) => objectPath(R.pods, p.metadata.namespace, p.metadata.name!);

/** JSON patch operations taking the tracking finalizer off, if it is still where the pod had it. */
function finalizerRemoval(p: Pod): { op: string; path: string; value?: unknown }[] {
  const i = p.metadata.finalizers!.indexOf(JOB_TRACKING_FINALIZER);
  return [
    { op: 'test', path: `/metadata/finalizers/${i}`, value: JOB_TRACKING_FINALIZER },
    { op: 'remove', path: `/metadata/finalizers/${i}` },
  ];
}

/**
 * Whether a pod's tracking finalizer is no Job's to keep, as upstream's syncOrphanPod decides: it
 * has no controller, or its controller is a batch/v1 Job that is gone, replaced (another uid) or
 * finished. Pods another kind controls are left alone.
 */
export function orphanedFromJobs(pod: Pod, jobs: Informer<Job>): boolean {
  if (!hasFinalizer(pod)) return false;
  const ref = controllerOf(pod);
  if (!ref) return true;
  if (ref.kind !== 'Job' || ref.apiVersion !== 'batch/v1') return false;
  const job = jobs.get(`${pod.metadata.namespace}/${ref.name}`);
  return !job || job.metadata.uid !== ref.uid || Boolean(finishedCondition(job));
}

/** Tracked pods a Job of this name controlled that is not the current one (`jobUid`, if any). */
export function podsOfFormerJob(podsInNamespace: Pod[], jobName: string, jobUid: string | undefined): Pod[] {
  return podsInNamespace.filter(p => {
    const ref = controllerOf(p);
    return hasFinalizer(p) && ref?.kind === 'Job' && ref.name === jobName && ref.uid !== jobUid;
  });
}
