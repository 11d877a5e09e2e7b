import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../api/object.js';
import { validateJobSelector } from '../../../api/validation/batch.js';
import { jobStrategy } from './jobs.js';

const job = (spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'once', namespace: 'ns', uid: 'u-1' },
  spec: { template: { metadata: { labels: { app: 'x' } }, spec: { containers: [] } }, ...spec },
  status: { succeeded: 3 },
});
const spec = (j: KubeObject) => j.spec as Record<string, any>;
const create = (j: KubeObject) => {
  jobStrategy.prepareForCreate!(j, {} as never);
  return j;
};

test('a created Job selects its pods by its UID and its template carries the labels', () => {
  const j = create(job());
  assert.deepEqual(spec(j).selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-1' } });
  assert.deepEqual(spec(j).template.metadata.labels, {
    app: 'x', 'job-name': 'once', 'batch.kubernetes.io/job-name': 'once', 'controller-uid': 'u-1', 'batch.kubernetes.io/controller-uid': 'u-1',
  });
  assert.equal(j.status, undefined, 'status is the controller\'s to write');
  assert.deepEqual(validateJobSelector(j), []);
});

test('labels the user set are kept, and validation rejects them when they conflict', () => {
  const j = create(job({ template: { metadata: { labels: { 'job-name': 'other' } }, spec: { containers: [] } } }));
  assert.equal(spec(j).template.metadata.labels['job-name'], 'other');
  assert.deepEqual(validateJobSelector(j).map(String), [
    'spec.template.metadata.labels[job-name]: Invalid value: map[string]string{"batch.kubernetes.io/controller-uid":"u-1", "batch.kubernetes.io/job-name":"once", "controller-uid":"u-1", "job-name":"other"}: must be \'once\'',
  ]);
  const wrongSelector = create(job({ selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'elsewhere' } } }));
  assert.deepEqual(validateJobSelector(wrongSelector).map(String), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"batch.kubernetes.io/controller-uid":"elsewhere"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` not auto-generated',
  ]);
});

test('manualSelector: the user\'s selector is kept as given, and one is required', () => {
  const manual = create(job({ manualSelector: true, selector: { matchLabels: { app: 'x' } } }));
  assert.deepEqual(spec(manual).selector, { matchLabels: { app: 'x' } });
  assert.deepEqual(spec(manual).template.metadata.labels, { app: 'x' });
  assert.deepEqual(validateJobSelector(manual), []);
  assert.deepEqual(validateJobSelector(create(job({ manualSelector: true }))).map(String), ['spec.selector: Required value']);
});
