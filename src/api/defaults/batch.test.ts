import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchDefaults } from './batch.js';

const podTemplate = () => ({ metadata: { labels: { app: 'j' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x' }] } });

test('job defaults', () => {
  const job: any = { metadata: { name: 'j' }, spec: { template: podTemplate() } };
  batchDefaults.Job(job, 'v1');
  const { template, ...spec } = job.spec;
  assert.deepEqual(spec, { completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false, podReplacementPolicy: 'TerminatingOrFailed' });
  assert.deepEqual(job.metadata.labels, { app: 'j' });
  assert.equal(template.spec.restartPolicy, 'Never');
  assert.equal(template.spec.terminationGracePeriodSeconds, 30);
  const queue: any = { spec: { parallelism: 3, backoffLimitPerIndex: 1, podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] }, template: podTemplate() } };
  batchDefaults.Job(queue, 'v1');
  assert.equal(queue.spec.completions, undefined);
  assert.equal(queue.spec.backoffLimit, 2147483647);
  assert.equal(queue.spec.podReplacementPolicy, 'Failed');
  assert.equal(queue.spec.podFailurePolicy.rules[0].onPodConditions[0].status, 'True');
  const unset: any = { spec: { template: { spec: { containers: [] } } } };
  batchDefaults.Job(unset, 'v1');
  assert.equal(unset.spec.template.spec.restartPolicy, 'Always', 'upstream defaults it; validation then rejects it');
});

test('cronjob defaults leave the job template spec to the Job', () => {
  const cj: any = { spec: { schedule: '* * * * *', jobTemplate: { spec: { template: podTemplate() } } } };
  batchDefaults.CronJob(cj, 'v1');
  const { jobTemplate, ...spec } = cj.spec;
  assert.deepEqual(spec, { schedule: '* * * * *', concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
  assert.equal(jobTemplate.spec.backoffLimit, undefined);
  assert.equal(jobTemplate.spec.template.spec.dnsPolicy, 'ClusterFirst');
});
