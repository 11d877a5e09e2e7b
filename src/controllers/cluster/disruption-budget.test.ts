import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countHealthy, disruptionsAllowed, expectedAndDesired, liveDisruptedPods, needsControllerScale, scaled, type PodDisruptionBudget } from './disruption-budget.js';
import type { Pod } from './types.js';

const pdb = (spec: PodDisruptionBudget['spec'], disruptedPods?: Record<string, string>): PodDisruptionBudget => ({ metadata: { name: 'b', namespace: 'ns' }, spec, status: { disruptedPods } });
const pod = (name: string, ready: boolean, deleting = false): Pod => ({
  metadata: { name, namespace: 'ns', ...(deleting ? { deletionTimestamp: 'x' } : {}) }, spec: { containers: [] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

test('int or percent, rounded as asked', () => {
  assert.equal(scaled(2, 10, true), 2);
  assert.equal(scaled('50%', 3, true), 2);
  assert.equal(scaled('50%', 3, false), 1);
});

test('expected and desired healthy: minAvailable int from pods, percentages and maxUnavailable from controllers', () => {
  assert.deepEqual(expectedAndDesired(pdb({ minAvailable: 2 }), 3, 0), { expected: 3, desired: 2 });
  assert.equal(needsControllerScale(pdb({ minAvailable: 2 })), false);
  assert.deepEqual(expectedAndDesired(pdb({ minAvailable: '50%' }), 3, 5), { expected: 5, desired: 3 });
  assert.deepEqual(expectedAndDesired(pdb({ maxUnavailable: 1 }), 3, 4), { expected: 4, desired: 3 });
  assert.deepEqual(expectedAndDesired(pdb({ maxUnavailable: '100%' }), 3, 4), { expected: 4, desired: 0 });
  assert.equal(needsControllerScale(pdb({ maxUnavailable: 1 })), true);
});

test('healthy pods are ready, not deleting and not already disrupted', () => {
  const pods = [pod('a', true), pod('b', true), pod('c', false), pod('d', true, true)];
  const now = Date.parse('2024-01-01T00:01:00Z');
  const disrupted = liveDisruptedPods(pdb({}, { b: '2024-01-01T00:00:30Z', d: '2024-01-01T00:00:30Z', gone: '2024-01-01T00:00:30Z', a: '2023-12-31T00:00:00Z' }), pods, now);
  assert.deepEqual(disrupted, { b: '2024-01-01T00:00:30Z' });
  assert.equal(countHealthy(pods, disrupted), 1);
});

test('disruptions allowed never negative, zero without expected pods', () => {
  assert.equal(disruptionsAllowed(3, 2, 3), 1);
  assert.equal(disruptionsAllowed(2, 2, 3), 0);
  assert.equal(disruptionsAllowed(1, 2, 3), 0);
  assert.equal(disruptionsAllowed(3, 0, 0), 0);
});
