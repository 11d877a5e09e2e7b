import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findUnknownFields } from './validate-schema.js';

const pod = { group: '', version: 'v1', kind: 'Pod' };

test('unknown fields are named by path, lists by index', () => {
  const found = findUnknownFields(pod, {
    apiVersion: 'v1', kind: 'Pod', bogus: 1,
    metadata: { name: 'p', labels: { anything: 'goes' }, nope: true },
    spec: { containers: [{ name: 'c', image: 'i' }, { name: 'd', image: 'i', extra: 'x', resources: { limits: { cpu: '1' } } }] },
  });
  assert.deepEqual(found, ['bogus', 'metadata.nope', 'spec.containers[1].extra']);
});

test('known fields, free-form maps and int-or-string pass', () => {
  const dep = { group: 'apps', version: 'v1', kind: 'Deployment' };
  assert.deepEqual(findUnknownFields(dep, {
    spec: { strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } }, selector: { matchLabels: { a: 'b' } }, template: { spec: { containers: [] } } },
  }), []);
});
