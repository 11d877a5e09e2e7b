import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unschedulableStatusPatch } from './pod-scheduled-condition.js';
import { pod } from './testing/fixtures.js';
import type { Pod } from './types.js';

const T0 = '2026-01-01T00:00:00Z';
const T1 = '2026-01-01T00:05:00Z';
const unschedulable = (message: string, lastTransitionTime = T0) => ({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastTransitionTime });

function withStatus(status: Pod['status']): Pod {
  return { ...pod('p'), status };
}

test('the first failed attempt records PodScheduled=False, stamped now', () => {
  assert.deepEqual(unschedulableStatusPatch(withStatus({ phase: 'Pending' }), 'Unschedulable', '0/1 nodes are available', undefined, T1), {
    status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available', lastTransitionTime: T1, lastProbeTime: null }] },
  });
});

test('a retry with a new message keeps lastTransitionTime: the status did not change', () => {
  const p = withStatus({ phase: 'Pending', conditions: [unschedulable('0/1 nodes are available')] });
  const patch = unschedulableStatusPatch(p, 'Unschedulable', '0/2 nodes are available', undefined, T1);
  assert.deepEqual(patch?.status.conditions, [{ ...unschedulable('0/2 nodes are available'), lastProbeTime: null }]);
});

test('a status change (PodScheduled was True or Unknown) moves lastTransitionTime', () => {
  const p = withStatus({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'Unknown', lastTransitionTime: T0 }] });
  const [c] = unschedulableStatusPatch(p, 'Unschedulable', 'x', undefined, T1)!.status.conditions as { lastTransitionTime: string }[];
  assert.equal(c.lastTransitionTime, T1);
});

test('a retry that changes nothing but time writes nothing', () => {
  const p = withStatus({ phase: 'Pending', nominatedNodeName: 'n1', conditions: [unschedulable('0/1 nodes are available')] });
  assert.equal(unschedulableStatusPatch(p, 'Unschedulable', '0/1 nodes are available', undefined, T1), undefined);
  assert.equal(unschedulableStatusPatch(p, 'Unschedulable', '0/1 nodes are available', 'n1', T1), undefined);
});

test('a new nomination alone is written without the unchanged condition; an empty one clears it', () => {
  const p = withStatus({ phase: 'Pending', nominatedNodeName: 'n1', conditions: [unschedulable('m')] });
  assert.deepEqual(unschedulableStatusPatch(p, 'Unschedulable', 'm', 'n2', T1), { status: { nominatedNodeName: 'n2' } });
  assert.deepEqual(unschedulableStatusPatch(p, 'Unschedulable', 'm', '', T1), { status: { nominatedNodeName: null } });
});
