// Disruption controller: keeps each PodDisruptionBudget's status — expectedPods, currentHealthy,
// desiredHealthy, disruptionsAllowed, disruptedPods, observedGeneration and the DisruptionAllowed
// condition — in step with the pods it selects and their controllers' scale. The eviction
// subresource reads this status to allow or refuse evictions.
import { nowTimestamp, type KubeObject } from '../../api/object.js';
import { objectPath, R } from '../../client/resources.js';
import type { Controller, ControllerContext } from '../types.js';
import { ignoreNotFound } from '../../client/api-errors.js';
import { setCondition } from '../../api/conditions.js';
import {
  DELETION_TIMEOUT_MS, countHealthy, disruptionsAllowed, expectedAndDesired, liveDisruptedPods, needsControllerScale, selectsPod,
  type PodDisruptionBudget,
} from './disruption-budget.js';
import { controllerOf, inNamespace } from '../owner-index.js';
import type { Pod } from './types.js';
import { jsonEqual } from '../../util/json-equal.js';

interface Scalable extends KubeObject { spec?: { replicas?: number } }

class NoControllerError extends Error {}

/** The summed replicas of the pods' controllers (a Deployment's, for its ReplicaSets' pods). */
function controllerScale(ctx: ControllerContext, namespace: string, pods: Pod[]): number {
  const seen = new Map<string, number>();
  for (const pod of pods) {
    const ref = controllerOf(pod);
    if (!ref) throw new NoControllerError(`found no controller ref for pod "${pod.metadata.name}"`);
    const lookup = (resource: typeof R.replicasets, name: string) => ctx.informer<Scalable>(resource).get(`${namespace}/${name}`);
    let owner: Scalable | undefined;
    switch (ref.kind) {
      case 'ReplicaSet': {
        const rs = lookup(R.replicasets, ref.name);
        const dref = rs?.metadata.ownerReferences?.find(o => o.controller && o.kind === 'Deployment');
        owner = dref ? lookup(R.deployments, dref.name) : rs;
        break;
      }
      case 'ReplicationController': owner = lookup(R.replicationcontrollers, ref.name); break;
      case 'StatefulSet': owner = lookup(R.statefulsets, ref.name); break;
    }
    if (!owner) throw new NoControllerError(`found no controllers for pod "${pod.metadata.name}"`);
    seen.set(owner.metadata.uid!, owner.spec?.replicas ?? 1);
  }
  return [...seen.values()].reduce((a, b) => a + b, 0);
}

export function disruptionController(): Controller {
  const keysIn = (ctx: ControllerContext, namespace: string | undefined, filter: (p: PodDisruptionBudget) => boolean = () => true) =>
    (namespace ? inNamespace(ctx.informer<PodDisruptionBudget>(R.poddisruptionbudgets), namespace).filter(filter).map(p => `${namespace}/${p.metadata.name}`) : []);
  return {
    name: 'disruption',
    watches: [
      { resource: R.poddisruptionbudgets },
      { resource: R.pods, mapTo: (pod, ctx) => keysIn(ctx, pod.metadata.namespace, p => selectsPod(p, pod)) },
      // A controller's scale sets the expected pod count of percentage and maxUnavailable budgets.
      ...[R.replicasets, R.deployments, R.statefulsets, R.replicationcontrollers].map(resource => ({ resource, mapTo: (o: KubeObject, ctx: ControllerContext) => keysIn(ctx, o.metadata.namespace) })),
    ],
    async reconcile(key, ctx) {
      const pdb = ctx.informer<PodDisruptionBudget>(R.poddisruptionbudgets).get(key);
      if (!pdb || pdb.metadata.deletionTimestamp) return;
      const namespace = pdb.metadata.namespace!;
      const now = Date.now();
      const pods = inNamespace(ctx.informer<Pod>(R.pods), namespace).filter(p => selectsPod(pdb, p));
      const status = { ...pdb.status };
      let conditions = status.conditions;
      try {
        const scale = needsControllerScale(pdb) ? controllerScale(ctx, namespace, pods) : 0;
        const { expected, desired } = expectedAndDesired(pdb, pods.length, scale);
        const disrupted = liveDisruptedPods(pdb, pods, now);
        const healthy = countHealthy(pods, disrupted);
        const allowed = disruptionsAllowed(healthy, desired, expected);
        Object.assign(status, { disruptedPods: Object.keys(disrupted).length ? disrupted : undefined, disruptionsAllowed: allowed, currentHealthy: healthy, desiredHealthy: desired, expectedPods: expected });
        conditions = setCondition(conditions, allowed > 0
          ? { type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', observedGeneration: pdb.metadata.generation }
          : { type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '', observedGeneration: pdb.metadata.generation }, nowTimestamp());
        // An evicted pod that is never deleted counts as healthy again after the timeout.
        const oldest = Object.values(disrupted).map(Date.parse).sort()[0];
        if (oldest !== undefined) ctx.requeueAfter(key, oldest + DELETION_TIMEOUT_MS - now + 100);
      } catch (err) {
        if (!(err instanceof NoControllerError)) throw err;
        ctx.recorder.event(pdb, 'Warning', 'NoControllerRef', err.message);
        Object.assign(status, { disruptionsAllowed: 0 });
        conditions = setCondition(conditions, { type: 'DisruptionAllowed', status: 'False', reason: 'SyncFailed', message: err.message, observedGeneration: pdb.metadata.generation }, nowTimestamp());
      }
      status.conditions = conditions;
      status.observedGeneration = pdb.metadata.generation;
      if (!status.disruptedPods) delete status.disruptedPods;
      if (jsonEqual(status, pdb.status ?? {})) return;
      await ignoreNotFound(ctx.client.update(objectPath(R.poddisruptionbudgets, namespace, pdb.metadata.name!, 'status'), { ...pdb, status }));
    },
  };
}
