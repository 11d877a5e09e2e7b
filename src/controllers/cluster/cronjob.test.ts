import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSchedule } from '../../api/cron-schedule.js';
import { SCHEDULED_TIMESTAMP, jobFromTemplate } from './cronjob.js';
import { checkSchedule, jobNameFor } from './cronjob-schedule.js';

const at = (iso: string) => Date.parse(iso);

test('the most recent unmet activation and the count of missed ones', () => {
  const every5 = parseSchedule('*/5 * * * *');
  assert.deepEqual(checkSchedule(every5, 'UTC', at('2024-01-01T00:00:00Z'), at('2024-01-01T00:12:00Z')),
    { mostRecent: at('2024-01-01T00:10:00Z'), missed: 2, next: at('2024-01-01T00:15:00Z') });
  assert.equal(checkSchedule(every5, 'UTC', at('2024-01-01T00:10:00Z'), at('2024-01-01T00:12:00Z')).mostRecent, undefined);
  // Long outages: the latest time is found without walking every missed minute.
  const long = checkSchedule(parseSchedule('* * * * *'), 'UTC', at('2023-01-01T00:00:00Z'), at('2024-01-01T00:00:30Z'));
  assert.equal(long.mostRecent, at('2024-01-01T00:00:00Z'));
  assert.ok(long.missed >= 100);
});

test('job names are minutes since the epoch; the job carries the scheduled time and an owner reference', () => {
  const t = at('2024-01-01T09:00:00Z');
  assert.equal(jobNameFor('hello', t), `hello-${t / 60000}`);
  const job = jobFromTemplate({
    metadata: { name: 'hello', namespace: 'ns', uid: 'cj' },
    spec: { schedule: '0 * * * *', timeZone: 'Asia/Tokyo', jobTemplate: { metadata: { labels: { a: 'b' } }, spec: { template: { spec: { containers: [] } } } } },
  }, t);
  assert.equal(job.metadata.name, `hello-${t / 60000}`);
  assert.equal(job.metadata.annotations![SCHEDULED_TIMESTAMP], '2024-01-01T18:00:00+09:00');
  assert.deepEqual(job.metadata.labels, { a: 'b' });
  assert.deepEqual(job.metadata.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'hello', uid: 'cj', controller: true, blockOwnerDeletion: true }]);
});

test('@every: activations follow the last scheduled time', () => {
  const every = parseSchedule('@every 1h30m');
  assert.deepEqual(checkSchedule(every, 'UTC', at('2024-01-01T00:00:00Z'), at('2024-01-01T01:40:00Z')),
    { mostRecent: at('2024-01-01T01:30:00Z'), missed: 1, next: at('2024-01-01T03:00:00Z') });
  assert.equal(checkSchedule(every, 'UTC', at('2024-01-01T01:30:00Z'), at('2024-01-01T01:40:00Z')).mostRecent, undefined);
});
