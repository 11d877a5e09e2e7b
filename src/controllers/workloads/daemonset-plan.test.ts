import assert from 'node:assert/strict';
import { test } from 'node:test';
import { daemonSetStatus, podsForNode, rollingLimits, rollingUpdatePlan } from './daemonset-plan.js';
import type { DaemonSet, IntOrString, Pod } from './types.js';

const ds = (maxUnavailable?: IntOrString, maxSurge?: IntOrString): DaemonSet => ({
  metadata: { name: 'agent', namespace: 'ns', generation: 3 },
  spec: { selector: { matchLabels: { app: 'a' } }, template: {}, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable, maxSurge } } },
});
let seq = 0;
const pod = (node: string, hash: string, ready = true, created = seq++): Pod => ({
  metadata: { name: `p${created}`, labels: { 'controller-revision-hash': hash }, creationTimestamp: new Date(1e12 + created * 1000).toISOString() },
  spec: { nodeName: node, containers: [] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});
const run = { shouldRun: true, shouldContinueRunning: true };

test('a node gets a pod when it should run one, and keeps only the oldest', () => {
  assert.equal(podsForNode(run, undefined, 'h', ds()).create, true);
  const [a, b] = [pod('n', 'h'), pod('n', 'h')];
  assert.deepEqual(podsForNode(run, [b, a], 'h', ds()).remove, [b]);
  const off = { shouldRun: false, shouldContinueRunning: false };
  assert.deepEqual(podsForNode(off, [a], 'h', ds()).remove, [a]);
  const failed = { ...pod('n', 'h'), status: { phase: 'Failed' as const } };
  assert.deepEqual(podsForNode(run, [failed], 'h', ds()).failed, [failed]);
});

test('limits round up against the desired node count; never both zero', () => {
  assert.deepEqual(rollingLimits(ds('10%', 0), 15), { maxSurge: 0, maxUnavailable: 2 });
  assert.deepEqual(rollingLimits(ds(0, 0), 4), { maxSurge: 0, maxUnavailable: 1 });
  assert.deepEqual(rollingLimits(ds(0, '25%'), 4), { maxSurge: 1, maxUnavailable: 0 });
  assert.deepEqual(rollingLimits(ds(), 4), { maxSurge: 0, maxUnavailable: 1 });
});

test('without surge, at most maxUnavailable nodes are down at once; unavailable old pods always go', () => {
  const nodes = new Map<string, Pod[]>([['n1', [pod('n1', 'old')]], ['n2', [pod('n2', 'old')]], ['n3', [pod('n3', 'old')]], ['n4', [pod('n4', 'old', false)]]]);
  const plan = rollingUpdatePlan(nodes, 'new', { maxSurge: 0, maxUnavailable: 2 }, 0, () => true);
  assert.equal(plan.remove.length, 3, 'the unready old pod plus two available ones');
  assert.deepEqual(plan.createOn, []);
  // A node already being replaced (no pod) uses up the budget.
  nodes.set('n1', []);
  nodes.set('n2', [pod('n2', 'new', false)]);
  const next = rollingUpdatePlan(nodes, 'new', { maxSurge: 0, maxUnavailable: 2 }, 0, () => true);
  assert.deepEqual(next.remove.map(p => p.spec!.nodeName), ['n4']);
});

test('with surge, new pods start beside old ones and old ones go once replaced', () => {
  const n1old = pod('n1', 'old');
  const nodes = new Map<string, Pod[]>([['n1', [n1old, pod('n1', 'new', true)]], ['n2', [pod('n2', 'old')]], ['n3', [pod('n3', 'old')]]]);
  const plan = rollingUpdatePlan(nodes, 'new', { maxSurge: 1, maxUnavailable: 0 }, 0, () => true);
  assert.deepEqual(plan.remove, [n1old]);
  assert.deepEqual(plan.createOn, ['n2']);
  nodes.set('n1', [n1old, pod('n1', 'new', false)]);
  const waiting = rollingUpdatePlan(nodes, 'new', { maxSurge: 1, maxUnavailable: 0 }, 0, () => true);
  assert.deepEqual(waiting, { remove: [], createOn: [] });
});

test('status counts desired, scheduled, ready, updated and misscheduled nodes', () => {
  const nodes = [{ name: 'n1', verdict: run }, { name: 'n2', verdict: run }, { name: 'n3', verdict: run }, { name: 'x', verdict: { shouldRun: false, shouldContinueRunning: false } }];
  const byNode = new Map<string, Pod[]>([['n1', [pod('n1', 'h')]], ['n2', [pod('n2', 'old', false)]], ['x', [pod('x', 'h')]]]);
  assert.deepEqual(daemonSetStatus(ds(), nodes, byNode, 'h', true), {
    currentNumberScheduled: 2, numberMisscheduled: 1, desiredNumberScheduled: 3, numberReady: 1, observedGeneration: 3,
    updatedNumberScheduled: 1, numberAvailable: 1, numberUnavailable: 2,
  });
});
