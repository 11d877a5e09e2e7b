import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateCreate, validateUpdate } from './index.js';
import { defaulted, messages, namespaced, podSpec } from './testing.js';
import { batchDefaults } from '../defaults/batch.js';
import { batchRules } from './batch.js';

// The Job strategy generates the selector before validation; these Jobs choose their own.
const ownSelector = { manualSelector: true, selector: { matchLabels: { app: 'a' } } };
const job = (extra: object = {}) => defaulted(batchDefaults.Job, { spec: { ...ownSelector, template: { metadata: { labels: { app: 'a' } }, spec: { ...podSpec(), restartPolicy: 'Never' } }, ...extra } });
const cronJob = (schedule: string, extra: object = {}) => defaulted(batchDefaults.CronJob, { spec: { schedule, jobTemplate: { spec: { template: { spec: { ...podSpec(), restartPolicy: 'OnFailure' } } } }, ...extra } });

test('jobs: restart policy, counts, immutable template', () => {
  assert.deepEqual(validateCreate(batchRules.Job, job(), namespaced), []);
  const always = defaulted(batchDefaults.Job, { spec: { ...ownSelector, template: { metadata: { labels: { app: 'a' } }, spec: podSpec() } } });
  assert.deepEqual(messages(validateCreate(batchRules.Job, always, namespaced)), [
    'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
  ]);
  assert.deepEqual(messages(validateCreate(batchRules.Job, job({ parallelism: -2, completionMode: 'Indexed', completions: undefined }), namespaced)), [
    'spec.parallelism: Invalid value: -2: must be greater than or equal to 0',
    'spec.completions: Required value: when completion mode is Indexed',
  ]);
  const old = job();
  const next = structuredClone(old);
  next.spec.template.spec.containers[0].image = 'other';
  next.spec.completions = 3;
  assert.deepEqual(messages(validateUpdate(batchRules.Job, next, old, namespaced)), [
    'spec.completions: Invalid value: 3: field is immutable',
    'spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable',
  ]);
  const suspended = job({ suspend: true });
  const moved = structuredClone(suspended);
  moved.spec.template.spec.nodeSelector = { zone: 'a' };
  assert.deepEqual(validateUpdate(batchRules.Job, moved, suspended, namespaced), []);
});

test('cronjobs: schedule, time zones, job template', () => {
  assert.deepEqual(validateCreate(batchRules.CronJob, cronJob('*/5 * * * *', { timeZone: 'Europe/Paris' }), namespaced), []);
  assert.deepEqual(messages(validateCreate(batchRules.CronJob, cronJob('61 * * * *'), namespaced)), [
    'spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61',
  ]);
  assert.deepEqual(messages(validateCreate(batchRules.CronJob, cronJob('CRON_TZ=UTC 0 * * * *'), namespaced)), [
    'spec.schedule: Invalid value: "CRON_TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
  ]);
  assert.deepEqual(messages(validateCreate(batchRules.CronJob, cronJob('0 * * * *', { timeZone: 'Mars/Olympus' }), namespaced)), [
    'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus',
  ]);
  const long = cronJob('@daily');
  long.metadata.name = 'a'.repeat(53);
  assert.deepEqual(messages(validateCreate(batchRules.CronJob, long, namespaced)), [
    `metadata.name: Invalid value: "${'a'.repeat(53)}": must be no more than 52 characters`,
  ]);
});
