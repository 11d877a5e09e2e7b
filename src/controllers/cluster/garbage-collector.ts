// Garbage collector: watches every deletable resource (found by discovery, re-checked periodically
// for new CRDs), keeps the ownerReferences graph, and per object UID applies upstream's rules:
// dependents of vanished owners are deleted (background), owners deleting in the foreground wait for
// their blockOwnerDeletion dependents, and orphaning owners release their dependents first.
import type { KubeObject } from '../../api/object.js';
import { objectPath, R, type ResourceRef } from '../../client/resources.js';
import type { Controller, ControllerContext } from '../types.js';
import { ignoreNotFound } from '../../client/api-errors.js';
import { Discovery } from './discovery.js';
import { decideForDeletingOwner, decideForDependent, type GcAction, type OwnerState } from './gc-decision.js';
import { OwnerGraph, isDeletingDependents, isOrphaning, nodeOf, type GraphNode } from './gc-graph.js';

const DISCOVER = '$discover';
const REDISCOVER_MS = 30_000;
// Events are never owners and are numerous; upstream's collector ignores them too.
const IGNORED = new Set(['/events', 'events.k8s.io/events']);

export function garbageCollector(): Controller {
  const graph = new OwnerGraph();
  const monitored = new Set<string>();
  let discovery: Discovery | undefined;

  function monitor(ctx: ControllerContext, ref: ResourceRef): void {
    const id = `${ref.group}/${ref.resource}`;
    if (monitored.has(id) || IGNORED.has(id)) return;
    monitored.add(id);
    const enqueue = (uid: string) => ctx.requeueAfter(uid, 0);
    const observe = (obj: KubeObject) => {
      const node = nodeOf(ref, obj);
      const prev = graph.upsert(node);
      if (node.owners.length || isDeletingDependents(node) || isOrphaning(node)) enqueue(node.uid);
      // Dependents learn when their owner starts deleting; owners waiting on this object re-check.
      if (node.deleting && !prev?.deleting) for (const d of graph.dependents(node.uid)) enqueue(d.uid);
      // Every event of every monitored resource passes here: no array is built to join the two lists.
      for (const o of node.owners) enqueue(o.uid);
      for (const o of prev?.owners ?? []) enqueue(o.uid);
    };
    ctx.informer(ref).on({
      add: observe,
      update: (_old, obj) => observe(obj),
      delete: obj => {
        const prev = graph.remove(obj.metadata.uid!);
        for (const d of graph.dependents(obj.metadata.uid!)) enqueue(d.uid);
        for (const o of prev?.owners ?? []) enqueue(o.uid);
      },
    });
  }

  /** An owner's state, checked against the API server when the graph has not seen it. */
  async function ownerState(ctx: ControllerContext, item: GraphNode, owner: { apiVersion: string; kind: string; name: string; uid: string }): Promise<OwnerState> {
    const known = graph.get(owner.uid);
    if (known) return isDeletingDependents(known) ? 'waiting' : 'solid';
    const res = await discovery!.forKind(owner.apiVersion, owner.kind);
    // An owner kind the server does not serve cannot be verified: leave the dependent alone.
    if (!res) return 'solid';
    // A namespaced owner of a cluster-scoped object is an invalid reference: it can never resolve.
    if (res.ref.namespaced && !item.namespace) return 'dangling';
    const live = await ignoreNotFound(ctx.client.get<KubeObject>(objectPath(res.ref, res.ref.namespaced ? item.namespace : undefined, owner.name)));
    if (!live || live.metadata.uid !== owner.uid) return 'dangling';
    return live.metadata.deletionTimestamp && live.metadata.finalizers?.includes('foregroundDeletion') ? 'waiting' : 'solid';
  }

  async function act(ctx: ControllerContext, node: GraphNode, action: GcAction): Promise<void> {
    const path = objectPath(node.ref, node.namespace, node.name);
    switch (action.type) {
      case 'none':
        return;
      case 'removeOwnerRefs': {
        const owners = node.owners.filter(o => !action.uids.includes(o.uid));
        await ignoreNotFound(ctx.client.patch(path, { metadata: { ownerReferences: owners.length ? owners : null, resourceVersion: node.resourceVersion } }, 'merge'));
        return;
      }
      case 'delete':
        ctx.log('deleting dependent', { object: `${node.ref.resource}/${node.namespace ? node.namespace + '/' : ''}${node.name}`, propagationPolicy: action.policy });
        await ignoreNotFound(ctx.client.delete(path, { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: action.policy, preconditions: { uid: node.uid } }));
        return;
      case 'removeFinalizer': {
        const finalizers = node.finalizers.filter(f => f !== action.finalizer);
        await ignoreNotFound(ctx.client.patch(path, { metadata: { finalizers: finalizers.length ? finalizers : null, resourceVersion: node.resourceVersion } }, 'merge'));
        return;
      }
      case 'orphanDependents':
        for (const d of action.dependents) {
          await act(ctx, d, { type: 'removeOwnerRefs', uids: [node.uid] });
        }
        // The orphan finalizer goes once the graph shows no dependents (their updates re-queue us).
        ctx.requeueAfter(node.uid, 1_000);
        return;
      case 'waitFor':
        for (const d of action.dependents) ctx.requeueAfter(d.uid, 0);
        return;
    }
  }

  return {
    name: 'garbage-collector',
    // Namespace events (at least the initial list) start discovery; the graph's own monitors are
    // registered from there.
    watches: [{ resource: R.namespaces, mapTo: () => [DISCOVER] }],
    workers: 4,
    async reconcile(key, ctx) {
      discovery ??= new Discovery(ctx.client);
      if (key === DISCOVER) {
        for (const r of await discovery.resources()) {
          if (['list', 'watch', 'delete'].every(v => r.verbs.includes(v))) monitor(ctx, r.ref);
        }
        ctx.requeueAfter(DISCOVER, REDISCOVER_MS);
        return;
      }
      const node = graph.get(key);
      if (!node) return;
      if (isOrphaning(node) || isDeletingDependents(node)) {
        await act(ctx, node, decideForDeletingOwner(node, graph.dependents(node.uid), graph.blockingDependents(node.uid)));
        return;
      }
      if (!node.owners.length || node.deleting) return;
      const states = new Map<string, OwnerState>();
      for (const o of node.owners) states.set(o.uid, await ownerState(ctx, node, o));
      await act(ctx, node, decideForDependent(node, states, graph.dependents(node.uid).length > 0));
    },
  };
}
