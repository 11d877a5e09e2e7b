import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unknownConditions } from './node-lifecycle.js';
import { NOT_READY, UNREACHABLE, UNSCHEDULABLE, desiredTaints, evictionTime } from './taints.js';
import type { Node, Pod, Taint, Toleration } from './types.js';

const node = (ready: 'True' | 'False' | 'Unknown' | undefined, extra: Partial<NonNullable<Node['spec']>> = {}): Node => ({
  metadata: { name: 'n1', creationTimestamp: '2024-01-01T00:00:00Z' },
  spec: extra,
  status: { conditions: ready ? [{ type: 'Ready', status: ready, lastHeartbeatTime: '2024-01-01T00:00:00Z' }, { type: 'MemoryPressure', status: 'False' }] : [] },
});
const keys = (ts: Taint[]) => ts.map(t => `${t.key}:${t.effect}`);

test('taints follow the Ready condition and spec.unschedulable', () => {
  assert.deepEqual(desiredTaints(node('True'), 'now'), []);
  assert.deepEqual(keys(desiredTaints(node('False'), 'now')), [`${NOT_READY}:NoExecute`, `${NOT_READY}:NoSchedule`]);
  const unknown = desiredTaints(node('Unknown'), 'now');
  assert.deepEqual(keys(unknown), [`${UNREACHABLE}:NoExecute`, `${UNREACHABLE}:NoSchedule`]);
  assert.equal(unknown[0].timeAdded, 'now');
  assert.deepEqual(keys(desiredTaints(node('True', { unschedulable: true }), 'now')), [`${UNSCHEDULABLE}:NoSchedule`]);
});

test('foreign taints stay; existing managed taints keep their timeAdded; stale ones go', () => {
  const n = node('Unknown', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }, { key: UNREACHABLE, effect: 'NoExecute', timeAdded: 'earlier' }, { key: NOT_READY, effect: 'NoExecute', timeAdded: 'x' }] });
  const ts = desiredTaints(n, 'now');
  assert.deepEqual(keys(ts), ['dedicated:NoSchedule', `${UNREACHABLE}:NoExecute`, `${UNREACHABLE}:NoSchedule`]);
  assert.equal(ts[1].timeAdded, 'earlier');
  assert.deepEqual(keys(desiredTaints({ ...n, status: node('True').status }, 'now')), ['dedicated:NoSchedule']);
});

test('a silent node: every condition Unknown with NodeStatusUnknown; Ready added if never posted', () => {
  const c = unknownConditions(node('True'), 'now');
  assert.deepEqual(c.map(x => [x.type, x.status, x.reason, x.message]), [
    ['Ready', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.'],
    ['MemoryPressure', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.'],
  ]);
  assert.equal(c[0].lastHeartbeatTime, '2024-01-01T00:00:00Z');
  assert.deepEqual(unknownConditions(node(undefined), 'now').map(x => x.reason), ['NodeStatusNeverUpdated']);
});

test('eviction time: now if untolerated, never if tolerated without bound, else after tolerationSeconds', () => {
  const added = Date.parse('2024-01-01T00:00:00Z');
  const taints: Taint[] = [{ key: UNREACHABLE, effect: 'NoExecute', timeAdded: '2024-01-01T00:00:00Z' }];
  const pod = (tolerations: Toleration[]): Pod => ({ metadata: {}, spec: { containers: [], tolerations } });
  assert.equal(evictionTime(pod([]), taints, added), 0);
  assert.equal(evictionTime(pod([{ key: UNREACHABLE, operator: 'Exists' }]), taints, added), undefined);
  assert.equal(evictionTime(pod([{ key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }]), taints, added), added + 300_000);
  assert.equal(evictionTime(pod([{ operator: 'Exists', tolerationSeconds: 5 }, { key: UNREACHABLE, operator: 'Exists', tolerationSeconds: 60 }]), taints, added), added + 5_000);
  assert.equal(evictionTime(pod([]), [{ key: 'x', effect: 'NoSchedule' }], added), undefined);
});
