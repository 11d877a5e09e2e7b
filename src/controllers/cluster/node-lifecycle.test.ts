import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unknownConditions } from './node-lifecycle.js';
import type { Node } from './types.js';

const node = (ready: 'True' | undefined): Node => ({
  metadata: { name: 'n1', creationTimestamp: '2024-01-01T00:00:00Z' },
  spec: {},
  status: { conditions: ready ? [{ type: 'Ready', status: ready, lastHeartbeatTime: '2024-01-01T00:00:00Z' }, { type: 'MemoryPressure', status: 'False' }] : [] },
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
