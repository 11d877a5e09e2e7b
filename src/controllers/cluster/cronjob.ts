// CronJob controller: keeps status.active and lastSuccessfulTime in step with the child Jobs,
// prunes finished Jobs beyond the history limits, and at each activation of the schedule (in
// spec.timeZone) creates `<name>-<minutes since epoch>` honouring suspend, startingDeadlineSeconds
// and concurrencyPolicy (Allow, Forbid, Replace).
import { CronSyntaxError, formatInZone, parseSchedule, wallClock, type Schedule } from '../../api/cron-schedule.js';
import { nowTimestamp, type KubeObject } from '../../api/object.js';
import { collectionPath, objectPath, R } from '../../client/resources.js';
import type { Controller, ControllerContext } from '../types.js';
import { ownerKey } from '../types.js';
import { ignoreAlreadyExists, ignoreNotFound } from '../../client/api-errors.js';
import { TOO_MANY_MISSED, checkSchedule, jobNameFor } from './cronjob-schedule.js';
import { finishedCondition, type Job, type JobSpec } from './job-types.js';
import { controlledBy } from '../owner-index.js';
import type { ObjectReference } from './types.js';
import { jsonEqual } from '../../util/json-equal.js';

export const SCHEDULED_TIMESTAMP = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
// Requeue a little after the activation so that it is in the past when the reconcile runs.
const NEXT_SCHEDULE_DELTA_MS = 100;

interface CronJob extends KubeObject {
  spec: {
    schedule: string;
    timeZone?: string;
    startingDeadlineSeconds?: number;
    concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
    suspend?: boolean;
    successfulJobsHistoryLimit?: number;
    failedJobsHistoryLimit?: number;
    jobTemplate: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: JobSpec };
  };
  status?: { active?: ObjectReference[]; lastScheduleTime?: string; lastSuccessfulTime?: string };
}

const refTo = (j: Job): ObjectReference => ({
  kind: 'Job', namespace: j.metadata.namespace, name: j.metadata.name, uid: j.metadata.uid, apiVersion: 'batch/v1', resourceVersion: j.metadata.resourceVersion,
});

export function jobFromTemplate(cj: CronJob, scheduledMs: number): Job {
  const tmpl = structuredClone(cj.spec.jobTemplate);
  return {
    apiVersion: 'batch/v1', kind: 'Job',
    metadata: {
      name: jobNameFor(cj.metadata.name!, scheduledMs),
      namespace: cj.metadata.namespace,
      labels: tmpl.metadata?.labels,
      annotations: { ...tmpl.metadata?.annotations, [SCHEDULED_TIMESTAMP]: formatInZone(scheduledMs, cj.spec.timeZone) },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: cj.metadata.name!, uid: cj.metadata.uid!, controller: true, blockOwnerDeletion: true }],
    },
    spec: tmpl.spec,
  };
}

export function cronJobController(): Controller {
  async function deleteJob(ctx: ControllerContext, cj: CronJob, job: { name?: string; uid?: string }): Promise<void> {
    await ignoreNotFound(ctx.client.delete(objectPath(R.jobs, cj.metadata.namespace, job.name!), {
      kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background', preconditions: { uid: job.uid },
    }));
    ctx.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.name}`);
  }

  return {
    name: 'cronjob',
    watches: [{ resource: R.cronjobs }, { resource: R.jobs, mapTo: ownerKey('CronJob') }],
    async reconcile(key, ctx) {
      const cj = ctx.informer<CronJob>(R.cronjobs).get(key);
      if (!cj) return;
      const now = Date.now();
      const children = controlledBy(ctx.informer<Job>(R.jobs), cj.metadata.uid!);
      const status = structuredClone(cj.status ?? {});
      const byUid = new Map(children.map(j => [j.metadata.uid!, j]));

      // Active list: unfinished children, including ones not yet listed; finished ones leave it.
      const active: ObjectReference[] = [];
      for (const ref of status.active ?? []) {
        const job = byUid.get(ref.uid!);
        if (!job) {
          const live = await ignoreNotFound(ctx.client.get<Job>(objectPath(R.jobs, cj.metadata.namespace, ref.name!)));
          if (live && live.metadata.uid === ref.uid && !finishedCondition(live)) active.push(ref);
          else ctx.recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
          continue;
        }
        const done = finishedCondition(job);
        if (!done) active.push(ref);
        else ctx.recorder.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${job.metadata.name}, condition: ${done.type}`);
      }
      for (const job of children) {
        if (!finishedCondition(job) && !active.some(r => r.uid === job.metadata.uid)) active.push(refTo(job));
        const done = finishedCondition(job);
        const completed = done?.type === 'Complete' ? job.status?.completionTime : undefined;
        if (completed && (!status.lastSuccessfulTime || completed > status.lastSuccessfulTime)) status.lastSuccessfulTime = completed;
      }
      status.active = active.length ? active : undefined;
      if (!status.active) delete status.active;

      await pruneHistory(children, cj.spec.successfulJobsHistoryLimit ?? 3, 'Complete', j => deleteJob(ctx, cj, j.metadata));
      await pruneHistory(children, cj.spec.failedJobsHistoryLimit ?? 1, 'Failed', j => deleteJob(ctx, cj, j.metadata));

      const write = async () => {
        if (jsonEqual(status, cj.status ?? {})) return;
        await ctx.client.update(objectPath(R.cronjobs, cj.metadata.namespace, cj.metadata.name!, 'status'), { ...cj, status });
      };
      if (cj.metadata.deletionTimestamp || cj.spec.suspend) return write();

      let schedule: Schedule;
      let tz = cj.spec.timeZone ?? 'UTC';
      try {
        schedule = parseSchedule(cj.spec.schedule);
        // Objects from before spec.timeZone may name the zone in the schedule; upstream honours it.
        tz = schedule.timeZone ?? tz;
        wallClock(now, tz);
      } catch (err) {
        if (err instanceof CronSyntaxError) ctx.recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(cj.spec.schedule)} : ${err.message}`);
        else ctx.recorder.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: ${JSON.stringify(tz)}: ${(err as Error).message}`);
        return write();
      }

      let earliest = Date.parse(status.lastScheduleTime ?? cj.metadata.creationTimestamp ?? nowTimestamp());
      const deadline = cj.spec.startingDeadlineSeconds;
      if (deadline !== undefined) earliest = Math.max(earliest, now - deadline * 1000);
      const check = checkSchedule(schedule, tz, earliest, now);
      if (check.next !== undefined) ctx.requeueAfter(key, check.next - now + NEXT_SCHEDULE_DELTA_MS);
      if (check.missed > TOO_MANY_MISSED) {
        ctx.recorder.event(cj, 'Warning', 'TooManyMissedTimes', `too many missed start times: ${check.missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`);
      }
      const scheduled = check.mostRecent;
      if (scheduled === undefined) return write();
      if (deadline !== undefined && scheduled + deadline * 1000 < now) {
        ctx.recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${formatInZone(scheduled, tz)}`);
        return write();
      }
      const name = jobNameFor(cj.metadata.name!, scheduled);
      if (children.some(j => j.metadata.name === name) || active.some(r => r.name === name)) return write();

      const policy = cj.spec.concurrencyPolicy ?? 'Allow';
      if (policy === 'Forbid' && active.length) {
        ctx.recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
        return write();
      }
      if (policy === 'Replace') {
        for (const ref of active) await deleteJob(ctx, cj, ref);
        active.length = 0;
      }
      const created = await ignoreAlreadyExists(ctx.client.create<Job>(collectionPath(R.jobs, cj.metadata.namespace), jobFromTemplate(cj, scheduled)));
      if (created) {
        ctx.recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata.name}`);
        active.push(refTo(created));
      }
      status.active = active.length ? active : undefined;
      if (!status.active) delete status.active;
      status.lastScheduleTime = nowTimestamp(new Date(scheduled));
      await write();
    },
  };
}

/** Deletes the oldest finished jobs of one outcome beyond `limit`. */
async function pruneHistory(jobs: Job[], limit: number, outcome: 'Complete' | 'Failed', remove: (j: Job) => Promise<void>): Promise<void> {
  const done = jobs.filter(j => finishedCondition(j)?.type === outcome && !j.metadata.deletionTimestamp);
  if (done.length <= limit) return;
  const start = (j: Job) => j.status?.startTime ?? j.metadata.creationTimestamp ?? '';
  done.sort((a, b) => start(a).localeCompare(start(b)));
  for (const j of done.slice(0, done.length - limit)) await remove(j);
}
