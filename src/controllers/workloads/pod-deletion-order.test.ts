import assert from 'node:assert/strict';
import { test } from 'node:test';
import { podsToDelete } from './pod-deletion-order.js';
import type { Pod } from './types.js';

const NOW = Date.parse('2024-01-01T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();

function pod(name: string, o: { node?: string; phase?: string; readySince?: number; created?: number; restarts?: number; cost?: number } = {}): Pod {
  return {
    metadata: { name, uid: name, creationTimestamp: ago(o.created ?? 1000), annotations: o.cost !== undefined ? { 'controller.kubernetes.io/pod-deletion-cost': String(o.cost) } : undefined },
    spec: { nodeName: o.node, containers: [] },
    status: {
      phase: o.phase ?? 'Running',
      conditions: o.readySince !== undefined ? [{ type: 'Ready', status: 'True', lastTransitionTime: ago(o.readySince) }] : [{ type: 'Ready', status: 'False' }],
      containerStatuses: [{ name: 'c', image: 'busybox', imageID: '', ready: o.readySince !== undefined, restartCount: o.restarts ?? 0 }],
    },
  };
}

const names = (ps: Pod[]) => ps.map(p => p.metadata.name);

test('unscheduled, then pending, then not-ready pods go first', () => {
  const pods = [pod('ready', { node: 'n1', readySince: 500 }), pod('notready', { node: 'n1' }), pod('pending', { node: 'n1', phase: 'Pending' }), pod('unscheduled', { phase: 'Pending' })];
  assert.deepEqual(names(podsToDelete(pods, [], 3, NOW)), ['unscheduled', 'pending', 'notready']);
});

test('deletion cost, then doubled-up nodes, then recently ready', () => {
  const cheap = pod('cheap', { node: 'n1', readySince: 10000, cost: -5 });
  const doubled = pod('doubled', { node: 'n2', readySince: 10000 });
  const young = pod('young', { node: 'n3', readySince: 5 });
  const old = pod('old', { node: 'n4', readySince: 10000 });
  const related = [doubled, pod('sibling', { node: 'n2' }), young, old, cheap];
  assert.deepEqual(names(podsToDelete([old, young, doubled, cheap], related, 3, NOW)), ['cheap', 'doubled', 'young']);
});

test('ready times in the same log2 bucket are ordered by UID, as upstream', () => {
  const a = pod('a', { node: 'n1', readySince: 1000 });
  const b = pod('b', { node: 'n2', readySince: 1001, restarts: 3 });
  assert.deepEqual(names(podsToDelete([b, a], [], 1, NOW)), ['a']);
});

test('among not-ready pods: more restarts first, then the newer one', () => {
  const a = pod('a', { node: 'n1', created: 2000 });
  const b = pod('b', { node: 'n2', created: 1500, restarts: 3 });
  const c = pod('c', { node: 'n3', created: 100 });
  assert.deepEqual(names(podsToDelete([a, b, c], [], 2, NOW)), ['b', 'c']);
});

test('asking for all pods returns all of them', () => {
  const pods = [pod('x'), pod('y')];
  assert.equal(podsToDelete(pods, [], 5, NOW).length, 2);
});
