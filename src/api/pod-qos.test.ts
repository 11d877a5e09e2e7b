import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computePodQos, podQos } from './pod-qos.js';

const pod = (...resources: { requests?: Record<string, string>; limits?: Record<string, string> }[]) =>
  ({ containers: resources.map((r, i) => ({ name: `c${i}`, image: 'busybox', resources: r })) });

test('qosClass compares quantities by value, not by how they are written', () => {
  assert.equal(computePodQos(pod({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1000m', memory: '1024Mi' } })), 'Guaranteed');
  assert.equal(computePodQos(pod({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } })), 'Burstable');
});

test('qosClass: limits alone are also the requests; BestEffort without cpu or memory amounts', () => {
  assert.equal(computePodQos(pod({ limits: { cpu: '2', memory: '64Mi' } })), 'Guaranteed');
  assert.equal(computePodQos(pod({ limits: { cpu: '2' } })), 'Burstable');
  assert.equal(computePodQos(pod({}, {})), 'BestEffort');
  assert.equal(computePodQos(pod({ requests: { cpu: '100m' } }, {})), 'Burstable');
  // Upstream ignores zero amounts and resources other than cpu and memory.
  assert.equal(computePodQos(pod({ requests: { cpu: '0', 'ephemeral-storage': '1Gi' } })), 'BestEffort');
  assert.equal(computePodQos(pod({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }, { requests: { cpu: '1m' } })), 'Burstable');
});

test('podQos: the recorded class wins; none recorded, it is computed from the spec as upstream\'s GetPodQOS', () => {
  const guaranteed = pod({ limits: { cpu: '1', memory: '1Gi' } });
  assert.equal(podQos({ spec: guaranteed, status: { qosClass: 'Burstable' } }), 'Burstable');
  assert.equal(podQos({ spec: guaranteed, status: {} }), 'Guaranteed');
  assert.equal(podQos({ spec: pod({ requests: { memory: '1Gi' } }) }), 'Burstable');
  assert.equal(podQos({ spec: pod({}), status: { qosClass: '' } }), 'BestEffort');
});
