// NoExecute taint manager: pods on a node with a NoExecute taint they do not tolerate are deleted
// at once; pods tolerating it for tolerationSeconds are deleted when that time has passed since the
// taint was added. Each eviction first marks the pod with the DisruptionTarget condition.
import { changedCondition } from '../../api/conditions.js';
import { objectPath, R } from '../../client/resources.js';
import type { Controller } from '../types.js';
import { ignoreNotFound } from '../../client/api-errors.js';
import { podsOnNode } from './node-lifecycle.js';
import { evictionTime } from '../../api/taints.js';
import type { Node, Pod } from './types.js';

export function taintEvictionController(): Controller {
  return {
    name: 'taint-eviction',
    watches: [
      { resource: R.nodes },
      { resource: R.pods, mapTo: p => { const node = (p as Pod).spec?.nodeName; return node ? [node] : []; } },
    ],
    async reconcile(name, ctx) {
      const node = ctx.informer<Node>(R.nodes).get(name);
      const taints = (node?.spec?.taints ?? []).filter(t => t.effect === 'NoExecute');
      if (!taints.length) return;
      const now = Date.now();
      let nextAt: number | undefined;
      for (const pod of podsOnNode(ctx.informer<Pod>(R.pods), name)) {
        if (pod.metadata.deletionTimestamp) continue;
        const at = evictionTime(pod, taints, now);
        if (at === undefined) continue;
        if (at > now) {
          nextAt = nextAt === undefined ? at : Math.min(nextAt, at);
          continue;
        }
        const path = objectPath(R.pods, pod.metadata.namespace, pod.metadata.name!);
        // As upstream's addConditionAndDeletePod: a pod already marked (a deletion that failed
        // before) is not written again; the patch names only this condition (merged by type).
        const target = changedCondition(pod.status?.conditions, { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' });
        if (target) await ignoreNotFound(ctx.client.patch(`${path}/status`, { status: { conditions: [target] } }, 'strategic'));
        ctx.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${pod.metadata.namespace}/${pod.metadata.name}`);
        await ignoreNotFound(ctx.client.delete(path, { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: pod.metadata.uid } }));
      }
      if (nextAt !== undefined) ctx.requeueAfter(name, nextAt - now + 50);
    },
  };
}
