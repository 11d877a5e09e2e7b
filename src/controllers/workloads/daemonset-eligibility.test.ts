import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nodeShouldRunDaemonPod, withDaemonTolerations } from './daemonset-eligibility.js';
import type { Node, PodSpec, Taint } from './types.js';

const node = (name: string, labels: Record<string, string> = {}, taints: Taint[] = []): Node => ({ metadata: { name, labels }, spec: { taints } });

test('untainted nodes run the pod; nodeSelector and required affinity narrow the set', () => {
  assert.deepEqual(nodeShouldRunDaemonPod({}, node('a')), { shouldRun: true, shouldContinueRunning: true });
  const sel: Partial<PodSpec> = { nodeSelector: { disk: 'ssd' } };
  assert.equal(nodeShouldRunDaemonPod(sel, node('a', { disk: 'ssd' })).shouldRun, true);
  assert.equal(nodeShouldRunDaemonPod(sel, node('b', { disk: 'hdd' })).shouldRun, false);
  const aff: Partial<PodSpec> = { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [
    { matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1', 'z2'] }, { key: 'cores', operator: 'Gt', values: ['4'] }] },
    { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['special'] }] },
  ] } } } };
  assert.equal(nodeShouldRunDaemonPod(aff, node('a', { zone: 'z1', cores: '8' })).shouldRun, true);
  assert.equal(nodeShouldRunDaemonPod(aff, node('a', { zone: 'z1', cores: '2' })).shouldRun, false);
  assert.equal(nodeShouldRunDaemonPod(aff, node('special')).shouldRun, true);
  assert.equal(nodeShouldRunDaemonPod({ nodeName: 'x' }, node('y')).shouldRun, false);
});

test('taints: tolerated ones admit, NoSchedule keeps running pods, NoExecute evicts', () => {
  const gpu: Taint = { key: 'gpu', value: 'true', effect: 'NoSchedule' };
  assert.deepEqual(nodeShouldRunDaemonPod({}, node('a', {}, [gpu])), { shouldRun: false, shouldContinueRunning: true });
  assert.equal(nodeShouldRunDaemonPod({ tolerations: [{ key: 'gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }] }, node('a', {}, [gpu])).shouldRun, true);
  assert.equal(nodeShouldRunDaemonPod({ tolerations: [{ key: 'gpu', operator: 'Equal', value: 'false' }] }, node('a', {}, [gpu])).shouldRun, false);
  assert.equal(nodeShouldRunDaemonPod({ tolerations: [{ operator: 'Exists' }] }, node('a', {}, [gpu])).shouldRun, true);
  const evict: Taint = { key: 'dedicated', effect: 'NoExecute' };
  assert.deepEqual(nodeShouldRunDaemonPod({}, node('a', {}, [evict])), { shouldRun: false, shouldContinueRunning: false });
});

test('the default daemon tolerations cover node conditions and cordoning', () => {
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    assert.equal(nodeShouldRunDaemonPod({}, node('a', {}, [{ key, effect: 'NoExecute' }])).shouldRun, true, key);
  }
  for (const key of ['node.kubernetes.io/unschedulable', 'node.kubernetes.io/disk-pressure', 'node.kubernetes.io/memory-pressure', 'node.kubernetes.io/pid-pressure']) {
    assert.equal(nodeShouldRunDaemonPod({}, node('a', {}, [{ key, effect: 'NoSchedule' }])).shouldRun, true, key);
  }
  const netDown: Taint = { key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' };
  assert.equal(nodeShouldRunDaemonPod({}, node('a', {}, [netDown])).shouldRun, false);
  assert.equal(nodeShouldRunDaemonPod({ hostNetwork: true }, node('a', {}, [netDown])).shouldRun, true);
  assert.equal(withDaemonTolerations({ tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' }] }).length, 6);
});
