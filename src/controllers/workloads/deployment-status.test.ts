import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findCondition } from '../../api/conditions.js';
import { calculateStatus, msUntilProgressDeadline, rolloutStatus } from './deployment-status.js';
import type { Deployment, ReplicaSet } from './types.js';

const d = (status?: Deployment['status']): Deployment => ({
  metadata: { name: 'web', namespace: 'ns', generation: 2 },
  spec: { replicas: 4, selector: { matchLabels: { app: 'x' } }, template: {}, progressDeadlineSeconds: 60 },
  status,
});
const rs = (name: string, replicas: number, ready: number, available: number): ReplicaSet => ({
  metadata: { name }, spec: { replicas, selector: {}, template: {} }, status: { replicas, readyReplicas: ready, availableReplicas: available },
});

test('counts come from the ReplicaSets; Available follows maxUnavailable', () => {
  const s = calculateStatus(d(), [rs('old', 2, 2, 2), rs('new', 3, 1, 1)], rs('new', 3, 1, 1));
  assert.equal(s.replicas, 5);
  assert.equal(s.updatedReplicas, 3);
  assert.equal(s.readyReplicas, 3);
  assert.equal(s.availableReplicas, 3);
  assert.equal(s.unavailableReplicas, 2);
  assert.equal(s.observedGeneration, 2);
  assert.equal(findCondition(s.conditions, 'Available')?.reason, 'MinimumReplicasAvailable');
  const low = calculateStatus(d(), [rs('new', 4, 1, 1)], rs('new', 4, 1, 1));
  assert.equal(findCondition(low.conditions, 'Available')?.status, 'False');
});

test('Progressing: updated while moving, NewReplicaSetAvailable when complete, deadline exceeded when stuck', () => {
  const moving = rolloutStatus(d({ replicas: 4, updatedReplicas: 1 }), [rs('old', 2, 2, 2), rs('new', 2, 2, 2)], rs('new', 2, 2, 2));
  assert.equal(findCondition(moving.conditions, 'Progressing')?.reason, 'ReplicaSetUpdated');
  assert.equal(findCondition(moving.conditions, 'Progressing')?.message, 'ReplicaSet "new" is progressing.');

  const done = rolloutStatus(d(moving), [rs('new', 4, 4, 4)], rs('new', 4, 4, 4));
  assert.equal(findCondition(done.conditions, 'Progressing')?.reason, 'NewReplicaSetAvailable');
  assert.equal(findCondition(done.conditions, 'Progressing')?.message, 'ReplicaSet "new" has successfully progressed.');

  const stale = new Date(Date.now() - 120_000).toISOString();
  const stuck = d({ replicas: 4, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2, conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', lastUpdateTime: stale, lastTransitionTime: stale }] });
  const out = rolloutStatus(stuck, [rs('old', 2, 2, 2), rs('new', 2, 0, 0)], rs('new', 2, 0, 0));
  assert.equal(findCondition(out.conditions, 'Progressing')?.reason, 'ProgressDeadlineExceeded');
  assert.equal(findCondition(out.conditions, 'Progressing')?.status, 'False');
});

test('an unfinished rollout is looked at again when its deadline passes', () => {
  const now = Date.now();
  const t = new Date(now).toISOString();
  const s = { replicas: 4, updatedReplicas: 2, conditions: [{ type: 'Progressing', status: 'True' as const, reason: 'ReplicaSetUpdated', lastUpdateTime: t, lastTransitionTime: t }] };
  const wait = msUntilProgressDeadline(d(s), s, now)!;
  assert.ok(wait > 59_000 && wait <= 61_000, String(wait));
});
