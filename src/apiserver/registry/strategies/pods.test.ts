import { test } from 'node:test';
import assert from 'node:assert/strict';
import { qosClass } from './pods.js';

const pod = (...resources: { requests?: Record<string, string>; limits?: Record<string, string> }[]) =>
  ({ containers: resources.map((r, i) => ({ name: `c${i}`, image: 'busybox', resources: r })) });

test('qosClass compares quantities by value, not by how they are written', () => {
  assert.equal(qosClass(pod({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1000m', memory: '1024Mi' } })), 'Guaranteed');
  assert.equal(qosClass(pod({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } })), 'Burstable');
});

test('qosClass: limits alone are also the requests; BestEffort without cpu or memory amounts', () => {
  assert.equal(qosClass(pod({ limits: { cpu: '2', memory: '64Mi' } })), 'Guaranteed');
  assert.equal(qosClass(pod({ limits: { cpu: '2' } })), 'Burstable');
  assert.equal(qosClass(pod({}, {})), 'BestEffort');
  assert.equal(qosClass(pod({ requests: { cpu: '100m' } }, {})), 'Burstable');
  // Upstream ignores zero amounts and resources other than cpu and memory.
  assert.equal(qosClass(pod({ requests: { cpu: '0', 'ephemeral-storage': '1Gi' } })), 'BestEffort');
  assert.equal(qosClass(pod({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }, { requests: { cpu: '1m' } })), 'Burstable');
});
