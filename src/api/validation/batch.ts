// batch/v1 Jobs and CronJobs (pkg/apis/batch/validation).
import { fieldErrors, type FieldError } from '../errors.js';
import { goLabelSelector, goStringMap, invalidGo } from './go-value.js';
import { nonNegative } from './apps.js';
import { isTimeZone, cronScheduleError } from '../cron-schedule.js';
import { dns1123Subdomain } from './names.js';
import { immutable } from './object-meta.js';
import { validatePodTemplate } from './pod.js';
import { selectorMatches, validateLabelSelector } from './selector.js';
import type { KindRules, Obj } from './types.js';
import { CONTROLLER_UID, JOB_NAME, LEGACY_CONTROLLER_UID, LEGACY_JOB_NAME } from '../job-labels.js';

const JOB_RESTART_POLICIES = ['OnFailure', 'Never'];
const MAX_INDEXED_PARALLELISM = 100000;
// Job names get a suffix of 11 characters per scheduled run and must stay DNS-1035 labels.
const MAX_CRONJOB_NAME = 52;
const TIME_ZONE_CHARS = /^[A-Za-z.\-_0-9+]{1,14}(\/[A-Za-z.\-_0-9+]{1,14})*$/;

function validateJobSpec(spec: Obj, path: string): FieldError[] {
  const errs = nonNegative(spec, ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished'], path);
  if (spec.completionMode !== undefined) {
    if (!['NonIndexed', 'Indexed'].includes(spec.completionMode)) errs.push(fieldErrors.notSupported(`${path}.completionMode`, spec.completionMode, ['NonIndexed', 'Indexed']));
    if (spec.completionMode === 'Indexed') {
      if (spec.completions === undefined) errs.push(fieldErrors.required(`${path}.completions`, 'when completion mode is Indexed'));
      if (spec.parallelism > MAX_INDEXED_PARALLELISM) errs.push(fieldErrors.invalid(`${path}.parallelism`, spec.parallelism, `must be less than or equal to ${MAX_INDEXED_PARALLELISM} when completion mode is Indexed`));
    }
  }
  if (spec.podReplacementPolicy !== undefined && !['TerminatingOrFailed', 'Failed'].includes(spec.podReplacementPolicy)) {
    errs.push(fieldErrors.notSupported(`${path}.podReplacementPolicy`, spec.podReplacementPolicy, ['Failed', 'TerminatingOrFailed']));
  }
  // A Job's selector is required by its API strategy, which generates it; a CronJob's template has none.
  if (spec.selector) {
    errs.push(...validateLabelSelector(spec.selector, `${path}.selector`));
    if (!selectorMatches(spec.selector, spec.template?.metadata?.labels)) {
      errs.push(invalidGo(`${path}.template.metadata.labels`, goStringMap(spec.template?.metadata?.labels), '`selector` does not match template `labels`'));
    }
  }
  errs.push(...validatePodTemplate(spec.template, `${path}.template`));
  const rp = spec.template?.spec?.restartPolicy;
  if (spec.template && !JOB_RESTART_POLICIES.includes(rp)) errs.push(fieldErrors.notSupported(`${path}.template.spec.restartPolicy`, rp ?? '', JOB_RESTART_POLICIES));
  return errs;
}

/** A selector is required; a generated one must select exactly what was generated. */
export function validateJobSelector(job: Obj): FieldError[] {
  const spec = (job.spec ?? {}) as { manualSelector?: boolean; selector?: Obj; template?: { metadata?: { labels?: Record<string, string> } } };
  if (!spec.selector) return [fieldErrors.required('spec.selector')];
  if (spec.manualSelector === true) return [];
  const errs: FieldError[] = [];
  if (!job.metadata.uid) errs.push(fieldErrors.required('metadata.uid'));
  const labels = spec.template?.metadata?.labels ?? {};
  const expected: Record<string, string> = {
    [LEGACY_CONTROLLER_UID]: job.metadata.uid ?? '', [LEGACY_JOB_NAME]: job.metadata.name ?? '',
    [CONTROLLER_UID]: job.metadata.uid ?? '', [JOB_NAME]: job.metadata.name ?? '',
  };
  for (const [key, value] of Object.entries(expected)) {
    const path = `spec.template.metadata.labels[${key}]`;
    if (!(key in labels)) errs.push(fieldErrors.required(path, value));
    else if (labels[key] !== value) errs.push(invalidGo(path, goStringMap(labels), `must be '${value}'`, labels));
  }
  if (!selectorMatches(spec.selector, expected)) errs.push(invalidGo('spec.selector', goLabelSelector(spec.selector), '`selector` not auto-generated', spec.selector));
  return errs;
}

function validateJobSpecUpdate(spec: Obj, old: Obj, path: string, status: Obj | undefined): FieldError[] {
  const errs: FieldError[] = [];
  if (JSON.stringify(spec.selector ?? null) !== JSON.stringify(old.selector ?? null)) errs.push(invalidGo(`${path}.selector`, goLabelSelector(spec.selector), 'field is immutable'));
  // An Indexed job may scale elastically: completions and parallelism move together.
  const elastic = spec.completionMode === 'Indexed' && spec.completions === spec.parallelism && old.completions === old.parallelism;
  if (spec.completions !== old.completions && !elastic) errs.push(immutable(`${path}.completions`, spec.completions ?? null));
  for (const f of ['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex']) {
    if (JSON.stringify(spec[f] ?? null) !== JSON.stringify(old[f] ?? null)) errs.push(immutable(`${path}.${f}`, spec[f] ?? null));
  }
  if (!templateUpdateAllowed(spec, old, status)) errs.push(invalidGo(`${path}.template`, 'core.PodTemplateSpec{...}', 'field is immutable', spec.template));
  return errs;
}

/** A suspended job that never started may still change where its pods will run. */
function templateUpdateAllowed(spec: Obj, old: Obj, status: Obj | undefined): boolean {
  const strip = (t: Obj | undefined, mutable: boolean) => {
    const c = structuredClone(t ?? {});
    if (mutable) {
      for (const f of ['labels', 'annotations']) delete c.metadata?.[f];
      for (const f of ['nodeSelector', 'affinity', 'tolerations', 'schedulingGates']) delete c.spec?.[f];
    }
    return JSON.stringify(c);
  };
  const mutable = spec.suspend === true && !status?.startTime;
  return strip(spec.template, mutable) === strip(old.template, mutable);
}

function validateSchedule(spec: Obj, oldSpec: Obj | undefined): FieldError[] {
  const schedule = spec.schedule;
  if (!schedule) return [fieldErrors.required('spec.schedule')];
  const errs: FieldError[] = [];
  const why = cronScheduleError(String(schedule));
  if (why) errs.push(fieldErrors.invalid('spec.schedule', schedule, why));
  // Time zones belong in spec.timeZone; old objects that already had TZ in the schedule keep it.
  const allowTZ = String(oldSpec?.schedule ?? '').includes('TZ');
  if (String(schedule).includes('TZ')) {
    if (!allowTZ) errs.push(fieldErrors.invalid('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
    else if (spec.timeZone !== undefined) errs.push(fieldErrors.invalid('spec.schedule', schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
  }
  return errs;
}

function validateTimeZone(tz: unknown): FieldError[] {
  if (tz === undefined || tz === null) return [];
  const p = 'spec.timeZone';
  if (tz === '') return [fieldErrors.invalid(p, tz, 'timeZone must be nil or non-empty string')];
  if (tz === 'Local') return [fieldErrors.invalid(p, tz, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones')];
  if (!TIME_ZONE_CHARS.test(String(tz)) || !isTimeZone(String(tz))) return [fieldErrors.invalid(p, tz, `unknown time zone ${tz}`)];
  return [];
}

export const batchRules: Record<string, KindRules> = {
  Job: {
    // The generated selector is checked on create (upstream's validateGeneratedSelector).
    validate: (o, old) => [...validateJobSpec(o.spec ?? {}, 'spec'), ...(old ? [] : validateJobSelector(o))],
    validateUpdate: (o, old) => validateJobSpecUpdate(o.spec ?? {}, old.spec ?? {}, 'spec', old.status),
  },
  CronJob: {
    name: name => [...dns1123Subdomain(name), ...(name.length > MAX_CRONJOB_NAME ? [`must be no more than ${MAX_CRONJOB_NAME} characters`] : [])],
    validate(o, old) {
      const spec = o.spec ?? {};
      const errs = validateSchedule(spec, old?.spec);
      errs.push(...nonNegative(spec, ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit'], 'spec'));
      if (!old || old.spec?.timeZone !== spec.timeZone) errs.push(...validateTimeZone(spec.timeZone));
      if (!spec.concurrencyPolicy) errs.push(fieldErrors.required('spec.concurrencyPolicy'));
      else if (!['Allow', 'Forbid', 'Replace'].includes(spec.concurrencyPolicy)) errs.push(fieldErrors.notSupported('spec.concurrencyPolicy', spec.concurrencyPolicy, ['Allow', 'Forbid', 'Replace']));
      const job = spec.jobTemplate?.spec ?? {};
      errs.push(...validateJobSpec(job, 'spec.jobTemplate.spec'));
      if (job.manualSelector === true) errs.push(fieldErrors.notSupported('spec.jobTemplate.spec.manualSelector', true, ['nil', 'false']));
      if (job.selector) errs.push(invalidGo('spec.jobTemplate.spec.selector', goLabelSelector(job.selector), '`selector` will be auto-generated'));
      return errs;
    },
  },
};
