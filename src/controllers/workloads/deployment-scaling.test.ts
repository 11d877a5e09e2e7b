import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newReplicaSetReplicas, planOldScaleDown, planScale } from './deployment-scaling.js';
import type { Deployment, IntOrString, ReplicaSet } from './types.js';

function deployment(replicas: number, maxSurge: IntOrString, maxUnavailable: IntOrString): Deployment {
  return {
    metadata: { name: 'd', namespace: 'ns', generation: 1 },
    spec: { replicas, selector: { matchLabels: { app: 'x' } }, template: {}, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } } },
  };
}

function rs(name: string, replicas: number, available: number, createdSecondsAgo: number, annotations: Record<string, string> = {}): ReplicaSet {
  return {
    metadata: { name, creationTimestamp: new Date(Date.now() - createdSecondsAgo * 1000).toISOString(), annotations },
    spec: { replicas, selector: {}, template: {} },
    status: { replicas, availableReplicas: available },
  };
}

/**
 * Drives a rollout to completion with a model of the cluster in which pods of a ReplicaSet become
 * available one round after it was scaled up, and checks the bounds at every step.
 */
function simulate(replicas: number, surge: IntOrString, unavailable: IntOrString, maxSurge: number, maxUnavail: number) {
  const d = deployment(replicas, surge, unavailable);
  const old = rs('old', replicas, replicas, 100);
  const neu = rs('new', 0, 0, 1);
  let rounds = 0;
  while (!(neu.spec.replicas === replicas && old.spec.replicas === 0 && neu.status!.availableReplicas === replicas)) {
    assert.ok(++rounds < 100, 'rollout did not finish');
    const all = [old, neu];
    const target = newReplicaSetReplicas(d, all, neu);
    if (target !== neu.spec.replicas) {
      neu.spec.replicas = target;
    } else {
      for (const step of planOldScaleDown(d, all, old.spec.replicas! > 0 ? [old] : [], neu)) step.rs.spec.replicas = step.replicas;
    }
    const pods = old.spec.replicas! + neu.spec.replicas!;
    assert.ok(pods <= replicas + maxSurge, `round ${rounds}: ${pods} pods exceed ${replicas}+${maxSurge}`);
    old.status!.availableReplicas = Math.min(old.status!.availableReplicas!, old.spec.replicas!);
    const available = old.status!.availableReplicas! + neu.status!.availableReplicas!;
    assert.ok(available >= replicas - maxUnavail, `round ${rounds}: only ${available} available`);
    // The world catches up: new pods started last round are now available.
    neu.status!.availableReplicas = neu.spec.replicas;
  }
  return rounds;
}

test('rolling update stays within maxSurge and maxUnavailable at every step', () => {
  simulate(10, '25%', '25%', 3, 2);
  simulate(10, 0, 1, 0, 1);
  simulate(10, 1, 0, 1, 0);
  simulate(3, '50%', 0, 2, 0);
  simulate(1, '25%', '25%', 1, 0);
  simulate(5, 0, 0, 0, 1);
  simulate(7, '100%', '100%', 7, 7);
});

test('the new ReplicaSet grows only into the surge headroom', () => {
  const d = deployment(10, 3, 2);
  const old = rs('old', 10, 10, 100);
  const neu = rs('new', 0, 0, 1);
  assert.equal(newReplicaSetReplicas(d, [old, neu], neu), 3);
  neu.spec.replicas = 3;
  assert.equal(newReplicaSetReplicas(d, [old, neu], neu), 3);
});

test('old ReplicaSets shed unhealthy replicas before available ones', () => {
  const d = deployment(10, 0, 2);
  const old1 = rs('old1', 5, 2, 200);
  const old2 = rs('old2', 5, 5, 100);
  const neu = rs('new', 0, 0, 1);
  const steps = planOldScaleDown(d, [old1, old2, neu], [old1, old2], neu);
  // 10 pods - 8 minimum available allows 2 fewer pods: two of old1's 3 unhealthy ones. Only 7 are
  // available (below the minimum of 8), so no available pod may go.
  assert.deepEqual(steps.map(s => [s.rs.metadata.name, s.replicas]), [['old1', 3]]);
});

test('scaling mid-rollout is proportional (the documented 10 -> 15 example)', () => {
  const d = deployment(15, 3, 2);
  const ann = { 'deployment.kubernetes.io/desired-replicas': '10', 'deployment.kubernetes.io/max-replicas': '13' };
  const old = rs('old', 8, 8, 100, ann);
  const neu = rs('new', 5, 0, 1, ann);
  const steps = planScale(d, neu, [old]);
  assert.deepEqual(Object.fromEntries(steps.map(s => [s.rs.metadata.name, s.replicas])), { old: 11, new: 7 });
});

test('scaling with one active ReplicaSet resizes it; a saturated new one retires the old', () => {
  const d = deployment(4, 1, 1);
  const only = rs('only', 2, 2, 10);
  assert.deepEqual(planScale(d, only, [rs('dead', 0, 0, 50)]).map(s => s.replicas), [4]);
  const neu = rs('new', 4, 4, 1, { 'deployment.kubernetes.io/desired-replicas': '4' });
  const old = rs('old', 1, 1, 10);
  assert.deepEqual(planScale(d, neu, [old]).map(s => [s.rs.metadata.name, s.replicas]), [['old', 0]]);
});

test('scaling to zero mid-rollout empties every ReplicaSet', () => {
  const d = deployment(0, 3, 2);
  const ann = { 'deployment.kubernetes.io/max-replicas': '13' };
  const steps = planScale(d, rs('new', 5, 0, 1, ann), [rs('old', 8, 8, 100, ann)]);
  assert.deepEqual(steps.map(s => s.replicas), [0, 0]);
});
