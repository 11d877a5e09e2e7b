// batch/v1 Jobs and CronJobs.
import { ageCol, col, containersCol, imagesCol, nameCol } from './columns.js';
import { humanDuration, parseTime, since } from './duration.js';
import { boolPtr, conditionTrue, containerCells, formatLabelSelector } from './format.js';
import type { Obj, Printer } from './types.js';

/** The first matching condition wins, in upstream's order of precedence. */
function jobStatus(o: Obj): string {
  const conditions: Obj[] = o.status?.conditions ?? [];
  if (conditionTrue(conditions, 'Complete')) return 'Complete';
  if (conditionTrue(conditions, 'Failed')) return 'Failed';
  if (o.metadata?.deletionTimestamp) return 'Terminating';
  if (conditionTrue(conditions, 'Suspended')) return 'Suspended';
  if (conditionTrue(conditions, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

/** "2/3"; a job without completions needs one success, shown "0/1 of 4" when run in parallel. */
function completions(o: Obj): string {
  const succeeded = o.status?.succeeded ?? 0;
  const want = o.spec?.completions;
  if (want !== undefined && want !== null) return `${succeeded}/${want}`;
  const parallelism = o.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** Time from start to completion, or to now while it runs; empty before it starts. */
function jobDuration(o: Obj, now: Date): string {
  const start = parseTime(o.status?.startTime);
  if (start === undefined) return '';
  const end = parseTime(o.status?.completionTime) ?? now.getTime();
  return humanDuration(end - start);
}

export const jobPrinter: Printer = {
  columns: [
    nameCol(),
    col('Status', 'Status of the job.'),
    col('Completions', 'The number of pods which reached phase Succeeded.'),
    col('Duration', 'Time required to complete the job.'),
    ageCol(), containersCol(), imagesCol(),
    col('Selector', 'A label query over pods that should match the pod count.', { wide: true }),
  ],
  cells(o, now) {
    const [names, images] = containerCells(o.spec?.template?.spec);
    return [
      o.metadata?.name ?? '', jobStatus(o), completions(o), jobDuration(o, now), since(o.metadata?.creationTimestamp, now),
      names, images, formatLabelSelector(o.spec?.selector),
    ];
  },
};

export const cronJobPrinter: Printer = {
  columns: [
    nameCol(),
    col('Schedule', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
    col('Timezone', 'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.'),
    col('Suspend', 'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.', { type: 'boolean' }),
    col('Active', 'A list of pointers to currently running jobs.', { type: 'integer' }),
    col('Last Schedule', 'Information when was the last time the job was successfully scheduled.'),
    ageCol(), containersCol(), imagesCol(),
    col('Selector', 'A label query over pods that should match the pod count.', { wide: true }),
  ],
  cells(o, now) {
    const jobSpec: Obj = o.spec?.jobTemplate?.spec ?? {};
    const [names, images] = containerCells(jobSpec.template?.spec);
    const last = o.status?.lastScheduleTime ? since(o.status.lastScheduleTime, now) : '<none>';
    // Suspend is a "boolean" column whose cell upstream renders as text ("False", "<unset>").
    return [
      o.metadata?.name ?? '', o.spec?.schedule ?? '', o.spec?.timeZone ?? '<none>', boolPtr(o.spec?.suspend), (o.status?.active ?? []).length,
      last, since(o.metadata?.creationTimestamp, now), names, images, formatLabelSelector(jobSpec.selector),
    ];
  },
};
