// Node lifecycle controller: a node whose kubelet stops renewing its Lease (and posting Ready
// heartbeats) for the grace period gets every condition set to Unknown (NodeStatusUnknown) and its
// pods marked not ready; the not-ready/unreachable taints (NoExecute and NoSchedule), the pressure
// taints and the unschedulable taint (cordon) follow the node's conditions and spec. Staleness is
// judged by this controller's own clock when it last saw a heartbeat change, so clock skew between
// nodes and controller does not matter (as upstream).
import { nowTimestamp } from '../../api/object.js';
import type { Informer } from '../../client/informer.js';
import { NODE_LEASE_NAMESPACE } from '../../client/node-lease.js';
import { objectPath, R } from '../../client/resources.js';
import type { Controller, ControllerContext } from '../types.js';
import { ignoreNotFound } from '../../client/api-errors.js';
import { findCondition } from '../../api/conditions.js';
import { desiredTaints, NOT_READY, UNREACHABLE } from '../../api/taints.js';
import type { NodeCollectorMetrics } from './node-collector-metrics.js';
import type { Condition, Lease, Node, Pod } from './types.js';
import { jsonEqual } from '../../util/json-equal.js';

const NODE_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

interface Observed { signature: string; at: number }

/** The conditions of a node not heard from: all Unknown, Ready added if it never posted one. */
export function unknownConditions(node: Node, now: string): Condition[] {
  const conditions = (node.status?.conditions ?? []).map(c => NODE_CONDITIONS.includes(c.type) && c.status !== 'Unknown'
    ? { ...c, status: 'Unknown' as const, reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: now }
    : c);
  if (!findCondition(conditions, 'Ready')) {
    conditions.push({ type: 'Ready', status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: node.metadata.creationTimestamp, lastTransitionTime: now });
  }
  return conditions;
}

export const podsOnNode = (pods: Informer<Pod>, node: string): Pod[] => {
  if (!indexed.has(pods)) { pods.addIndex(NODE_INDEX, p => (p.spec?.nodeName ? [p.spec.nodeName] : [])); indexed.add(pods); }
  return pods.byIndex(NODE_INDEX, node);
};
const NODE_INDEX = 'cluster:nodeName';
const indexed = new WeakSet<Informer<Pod>>();

/** `metrics`: where the node_collector_* series are kept; absent: none. */
export function nodeLifecycleController(gracePeriodSeconds = 40, metrics?: NodeCollectorMetrics): Controller {
  const graceMs = gracePeriodSeconds * 1000;
  const observed = new Map<string, Observed>();

  async function markPodsNotReady(ctx: ControllerContext, node: string, now: string): Promise<void> {
    for (const pod of podsOnNode(ctx.informer<Pod>(R.pods), node)) {
      const conditions = pod.status?.conditions ?? [];
      const ready = findCondition(conditions, 'Ready');
      if (!ready || ready.status === 'False' || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
      const next = conditions.map(c => (c.type === 'Ready' ? { ...c, status: 'False' as const, lastTransitionTime: now } : c));
      await ignoreNotFound(ctx.client.patch(objectPath(R.pods, pod.metadata.namespace, pod.metadata.name!, 'status'), { status: { conditions: next } }, 'merge'));
    }
  }

  return {
    name: 'node-lifecycle',
    watches: [
      { resource: R.nodes },
      { resource: R.leases, mapTo: l => (l.metadata.namespace === NODE_LEASE_NAMESPACE ? [l.metadata.name!] : []) },
    ],
    async reconcile(name, ctx) {
      metrics?.watch(() => ctx.informer<Node>(R.nodes).list());
      let node = ctx.informer<Node>(R.nodes).get(name);
      if (!node) {
        observed.delete(name);
        return;
      }
      const now = Date.now();
      const nowTs = nowTimestamp();
      const lease = ctx.informer<Lease>(R.leases).get(`${NODE_LEASE_NAMESPACE}/${name}`);
      const ready = findCondition(node.status?.conditions, 'Ready');
      const signature = `${lease?.spec?.renewTime ?? ''}|${ready?.lastHeartbeatTime ?? ''}|${ready?.status ?? ''}`;
      let seen = observed.get(name);
      if (!seen || seen.signature !== signature) observed.set(name, (seen = { signature, at: now }));
      const silentMs = now - seen.at;

      if (silentMs > graceMs && ready?.status !== 'Unknown') {
        const conditions = unknownConditions(node, nowTs);
        node = await ctx.client.patch<Node>(objectPath(R.nodes, undefined, name, 'status'), { status: { conditions } }, 'merge');
        ctx.recorder.event(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
        ctx.log('node stopped posting status', { node: name, silentSeconds: Math.round(silentMs / 1000) });
        await markPodsNotReady(ctx, name, nowTs);
        // Our own write changes the signature; it is not a heartbeat.
        const r = findCondition(node.status?.conditions, 'Ready');
        observed.set(name, { signature: `${lease?.spec?.renewTime ?? ''}|${r?.lastHeartbeatTime ?? ''}|${r?.status ?? ''}`, at: seen.at });
      }
      const taints = desiredTaints(node, nowTs);
      if (!jsonEqual(taints, node.spec?.taints ?? [])) {
        await ctx.client.patch(objectPath(R.nodes, undefined, name), { metadata: { resourceVersion: node.metadata.resourceVersion }, spec: { taints: taints.length ? taints : null } }, 'merge');
        if (metrics && taints.some(t => isEvictionTaint(t) && !node!.spec?.taints?.some(o => o.key === t.key && isEvictionTaint(o)))) metrics.nodeTaintedForEviction(node);
      }
      // Re-check when the grace period would run out without a new heartbeat.
      ctx.requeueAfter(name, silentMs > graceMs ? graceMs : graceMs - silentMs + 100);
    },
  };
}

/** The NoExecute taints that evict a node's pods (upstream counts a node tainted so as an eviction). */
function isEvictionTaint(t: { key: string; effect: string }): boolean {
  return t.effect === 'NoExecute' && (t.key === NOT_READY || t.key === UNREACHABLE);
}
