// The replica-keeping loop shared by ReplicaSets and ReplicationControllers (upstream runs the RC
// controller as the RS controller behind a conversion): claim matching pods, create or delete pods
// until the count matches spec.replicas, and publish status.
import { isNotFound } from '../../api/errors.js';
import type { KubeObject, OwnerReference } from '../../api/object.js';
import type { Informer } from '../../client/informer.js';
import { collectionPath, objectPath, R, type ResourceRef } from '../../client/resources.js';
import type { LabelSelector } from '../../api/selectors/label-selector.js';
import type { Controller, ControllerContext } from '../types.js';
import { claim, controllerRefTo, ownerIsCurrent } from './controller-ref.js';
import { ownedObjectsWatch, type OwnerKind } from './selecting-owners.js';
import { canonicalJson } from './template-hash.js';
import { Expectations, expectationsFor } from '../expectations.js';
import { candidatesFor, controlledBy, controllerOf } from '../owner-index.js';
import { podFromTemplate } from './pod-from-template.js';
import { podsToDelete } from './pod-deletion-order.js';
import { isPodActive, msUntilAvailable } from '../../api/pod-state.js';
import { replicaStatus } from './replica-status.js';
import { slowStartBatch } from './slow-start.js';
import { writeStatus } from './status-writer.js';
import type { Pod, PodTemplateSpec, ReplicaSetStatus } from './types.js';
import { errorMessage } from '../../util/error-message.js';

/** Upstream's burstReplicas: the most pods created or deleted in one sync. */
const BURST_REPLICAS = 500;

/** What differs between ReplicaSets and ReplicationControllers. */
export interface ReplicaKind<T extends KubeObject> {
  controllerName: string;
  kind: string;
  apiVersion: string;
  resource: ResourceRef;
  selector(obj: T): LabelSelector | null;
  template(obj: T): PodTemplateSpec | undefined;
  replicas(obj: T): number;
  minReadySeconds(obj: T): number;
  status(obj: T): ReplicaSetStatus | undefined;
}

export function replicaController<T extends KubeObject>(kind: ReplicaKind<T>): Controller {
  const expectations = new WeakMap<Informer, Expectations>();
  return {
    name: kind.controllerName,
    workers: 4,
    watches: [
      { resource: kind.resource },
      ownedObjectsWatch(R.pods, ctx => owners(kind, ctx)),
    ],
    async reconcile(key, ctx) {
      const pods = ctx.informer<Pod>(R.pods);
      const exp = expectationsFor(expectations, pods as unknown as Informer);
      const owner = ctx.informer<T>(kind.resource).get(key);
      if (!owner) { exp.forget(key); return; }
      await syncReplicas(kind, owner, key, ctx, exp);
    },
  };
}

/** Owners of this kind adopt only active pods. */
function owners<T extends KubeObject>(kind: ReplicaKind<T>, ctx: ControllerContext): OwnerKind<T> {
  return { kind: kind.kind, owners: ctx.informer<T>(kind.resource), selector: kind.selector, mayAdopt: (_, pod) => isPodActive(pod as Pod) };
}

async function syncReplicas<T extends KubeObject>(kind: ReplicaKind<T>, owner: T, key: string, ctx: ControllerContext, exp: Expectations): Promise<void> {
  const selector = kind.selector(owner);
  if (!selector) return;
  const podInformer = ctx.informer<Pod>(R.pods);
  const ns = owner.metadata.namespace!;
  const ref = controllerRefTo(owner, kind.apiVersion, kind.kind);
  const needsSync = exp.satisfied(key);
  const pods = await claim({
    client: ctx.client, owner, ownerRef: ref, selector,
    candidates: candidatesFor(podInformer, owner).filter(isPodActive),
    pathOf: p => objectPath(R.pods, ns, p.metadata.name!),
    ownerStillValid: () => ownerIsCurrent(ctx.client, objectPath(kind.resource, ns, owner.metadata.name!), owner.metadata.uid!),
  });

  let manageError: Error | undefined;
  if (needsSync && !owner.metadata.deletionTimestamp) {
    try {
      await manageReplicas(kind, owner, key, pods, ref, ctx, exp);
    } catch (err) {
      manageError = err instanceof Error ? err : new Error(String(err));
    }
  }

  const minReady = kind.minReadySeconds(owner);
  const status = replicaStatus({
    replicas: kind.replicas(owner), minReadySeconds: minReady, template: kind.template(owner),
    status: kind.status(owner), generation: owner.metadata.generation,
  }, pods, manageError);
  if (canonicalJson(status) !== canonicalJson(kind.status(owner))) {
    await writeStatus(ctx.client, kind.resource, owner, status);
  }
  // Pods that are ready but not yet available become available with time alone: look again then.
  const waits = pods.map(p => msUntilAvailable(p, minReady)).filter((ms): ms is number => ms !== undefined);
  if (waits.length) ctx.requeueAfter(key, Math.min(...waits));
  if (manageError) throw manageError;
}

async function manageReplicas<T extends KubeObject>(kind: ReplicaKind<T>, owner: T, key: string, pods: Pod[], ref: OwnerReference, ctx: ControllerContext, exp: Expectations): Promise<void> {
  const ns = owner.metadata.namespace!;
  const diff = pods.length - kind.replicas(owner);
  if (diff < 0) {
    const template = kind.template(owner);
    if (!template) return;
    const created: string[] = [];
    const result = await slowStartBatch(Math.min(-diff, BURST_REPLICAS), 1, async () => {
      try {
        const pod = await ctx.client.create<Pod>(collectionPath(R.pods, ns), podFromTemplate(template, ns, ref, owner.metadata.name!));
        created.push(`${ns}/${pod.metadata.name}`);
        ctx.recorder.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
      } catch (err) {
        ctx.recorder.event(owner, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(err)}`);
        throw err;
      }
    });
    exp.expectCreations(key, created);
    if (result.error) throw result.error;
    return;
  }
  if (diff > 0) {
    const victims = podsToDelete(pods, relatedPods(kind, owner, ctx), Math.min(diff, BURST_REPLICAS));
    const deleted: string[] = [];
    const results = await Promise.allSettled(victims.map(async pod => {
      try {
        await ctx.client.delete(objectPath(R.pods, ns, pod.metadata.name!), { preconditions: { uid: pod.metadata.uid } });
        deleted.push(`${ns}/${pod.metadata.name}`);
        ctx.recorder.event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
      } catch (err) {
        if (isNotFound(err)) return;
        ctx.recorder.event(owner, 'Warning', 'FailedDelete', `Error deleting: ${errorMessage(err)}`);
        throw err;
      }
    }));
    exp.expectDeletions(key, deleted);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

/**
 * Active pods of every ReplicaSet sharing this one's controller (a Deployment's old and new sets),
 * so scale-down prefers pods doubled up on a node with their siblings.
 */
function relatedPods<T extends KubeObject>(kind: ReplicaKind<T>, owner: T, ctx: ControllerContext): Pod[] {
  const pods = ctx.informer<Pod>(R.pods);
  const parent = controllerOf(owner);
  const siblings = parent ? controlledBy(ctx.informer<T>(kind.resource), parent.uid) : [owner];
  return siblings.flatMap(s => controlledBy(pods, s.metadata.uid!)).filter(isPodActive);
}
