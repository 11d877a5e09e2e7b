import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admit } from './admission.js';
import type { PodObject } from './types.js';

const pod = (name: string, cpu?: string, nodeSelector?: Record<string, string>): PodObject => ({
  metadata: { name, uid: name },
  spec: { nodeSelector, containers: [{ name: 'c', resources: cpu ? { requests: { cpu } } : undefined }] },
});
const node = { allocatable: { cpu: '2', memory: '4Gi', pods: '3' }, labels: { 'kubernetes.io/hostname': 'n1' } };

test('pods fit beside the admitted ones, or are rejected as upstream words it', () => {
  assert.equal(admit(pod('a', '1500m'), [pod('b', '500m')], node), undefined);
  assert.deepEqual(admit(pod('a', '1500m'), [pod('b', '600m')], node), {
    reason: 'OutOfcpu', message: "Node didn't have enough resource: cpu, requested: 1500, used: 600, capacity: 2000",
  });
  assert.deepEqual(admit(pod('d'), [pod('a'), pod('b'), pod('c')], node), {
    reason: 'OutOfpods', message: "Node didn't have enough resource: pods, requested: 1, used: 3, capacity: 3",
  });
  assert.equal(admit(pod('a', undefined, { 'kubernetes.io/hostname': 'n1' }), [], node), undefined);
  assert.deepEqual(admit(pod('a', undefined, { disk: 'ssd' }), [], node), {
    reason: 'NodeAffinity', message: "Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector",
  });
  assert.equal(admit(pod('a', '64', { disk: 'ssd' }), [], { allocatable: {} }), undefined, 'an unknown node admits');
});
