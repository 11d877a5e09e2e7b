import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ago, columns, row } from './testing.js';

const podTemplate = { spec: { containers: [{ name: 'pi', image: 'perl' }] } };

test('job columns', () => {
  assert.deepEqual(columns('batch', 'jobs'), [
    'Name:string:name:0', 'Status:string::0', 'Completions:string::0', 'Duration:string::0', 'Age:string::0',
    'Containers:string::1', 'Images:string::1', 'Selector:string::1',
  ]);
});

test('complete job: completions, duration from start to completion', () => {
  const r = row('batch', 'jobs', {
    metadata: { name: 'pi', creationTimestamp: ago(120) },
    spec: { completions: 1, parallelism: 1, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'abc' } }, template: podTemplate },
    status: { succeeded: 1, startTime: ago(118), completionTime: ago(80), conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }, { type: 'Complete', status: 'True' }] },
  });
  assert.deepEqual(r, {
    Name: 'pi', Status: 'Complete', Completions: '1/1', Duration: '38s', Age: '2m',
    Containers: 'pi', Images: 'perl', Selector: 'batch.kubernetes.io/controller-uid=abc',
  });
});

test('running, failed, suspended and terminating jobs', () => {
  const job = (status: object, meta: object = {}, spec: object = {}) =>
    row('batch', 'jobs', { metadata: { name: 'j', ...meta }, spec: { template: podTemplate, ...spec }, status });
  const runningJob = job({ startTime: ago(30), active: 4 }, {}, { parallelism: 4 });
  assert.equal(runningJob.Status, 'Running');
  assert.equal(runningJob.Completions, '0/1 of 4');
  assert.equal(runningJob.Duration, '30s');
  assert.equal(job({ conditions: [{ type: 'Failed', status: 'True' }] }).Status, 'Failed');
  assert.equal(job({ conditions: [{ type: 'Suspended', status: 'True' }] }).Status, 'Suspended');
  assert.equal(job({ conditions: [{ type: 'FailureTarget', status: 'True' }] }).Status, 'FailureTarget');
  assert.equal(job({}, { deletionTimestamp: ago(1) }).Status, 'Terminating');
  assert.equal(job({}).Duration, '');
  assert.equal(job({}).Completions, '0/1');
});

test('cronjob columns and cells', () => {
  assert.deepEqual(columns('batch', 'cronjobs'), [
    'Name:string:name:0', 'Schedule:string::0', 'Timezone:string::0', 'Suspend:boolean::0', 'Active:integer::0',
    'Last Schedule:string::0', 'Age:string::0', 'Containers:string::1', 'Images:string::1', 'Selector:string::1',
  ]);
  const r = row('batch', 'cronjobs', {
    metadata: { name: 'hello', creationTimestamp: ago(2 * 86400 + 3 * 3600) },
    spec: { schedule: '*/1 * * * *', suspend: false, jobTemplate: { spec: { template: podTemplate } } },
    status: { active: [{ name: 'hello-1' }], lastScheduleTime: ago(45) },
  });
  assert.deepEqual(r, {
    Name: 'hello', Schedule: '*/1 * * * *', Timezone: '<none>', Suspend: 'False', Active: 1, 'Last Schedule': '45s', Age: '2d3h',
    Containers: 'pi', Images: 'perl', Selector: '<none>',
  });
  const never = row('batch', 'cronjobs', { metadata: { name: 'n' }, spec: { schedule: '@daily', timeZone: 'Etc/UTC', jobTemplate: { spec: { template: podTemplate } } } });
  assert.equal(never['Last Schedule'], '<none>');
  assert.equal(never.Suspend, '<unset>');
  assert.equal(never.Timezone, 'Etc/UTC');
});
