// Which workload controllers an object leads to: its controlling owner of a kind, or, for an
// orphan, every owner of that kind in its namespace whose selector matches it and which may adopt it
// (upstream's getPodReplicaSets, getPodDaemonSets, getPodStatefulSets, getDeploymentsForReplicaSet).
import type { KubeObject } from '../../api/object.js';
import { LabelSelector } from '../../api/selectors/label-selector.js';
import { objectKey, type Informer } from '../../client/informer.js';
import { controllerOf, inNamespace } from '../owner-index.js';
import type { ControllerContext, WatchSpec } from '../types.js';
import type { ResourceRef } from '../../client/resources.js';
import type { LabelSelectorSpec } from './types.js';

/** A workload's spec.selector; an unparseable one selects nothing (validation should have rejected it). */
export function selectorOf(selector: LabelSelectorSpec | undefined): LabelSelector | null {
  try {
    return LabelSelector.fromObject(selector);
  } catch {
    return null;
  }
}

export interface OwnerKind<T extends KubeObject> {
  kind: string;
  /** The cache of the owners. */
  owners: Informer<T>;
  selector(owner: T): LabelSelector | null;
  /** A further condition for adopting (a StatefulSet adopts only `<set>-<n>` pods, a ReplicaSet only active ones). */
  mayAdopt?(owner: T, orphan: KubeObject): boolean;
}

/** Keys of the owners of this kind whose selector matches the orphan. */
export function ownersSelecting<T extends KubeObject>(o: OwnerKind<T>, orphan: KubeObject): string[] {
  const keys: string[] = [];
  for (const owner of inNamespace(o.owners, orphan.metadata.namespace ?? '')) {
    if (o.selector(owner)?.matches(orphan.metadata.labels) && (o.mayAdopt?.(owner, orphan) ?? true)) keys.push(objectKey(owner));
  }
  return keys;
}

/**
 * The key of `obj`'s controller if it is of this kind (none if another kind controls it), else the
 * owners that may adopt it as `cache` now has it: a deleted or since adopted orphan needs none.
 */
export function controllerOrAdopters<T extends KubeObject, C extends KubeObject>(o: OwnerKind<T>, obj: KubeObject, cache: Informer<C>): string[] {
  const ref = controllerOf(obj);
  if (ref) return ref.kind === o.kind ? [`${obj.metadata.namespace}/${ref.name}`] : [];
  const orphan = cache.get(objectKey(obj));
  return orphan && !controllerOf(orphan) ? ownersSelecting(o, orphan) : [];
}

/**
 * The watch on `resource` (the pods or ReplicaSets a workload makes) that reconciles an object's
 * controller of this kind, or, for an orphan, the owners that may adopt it.
 */
export function ownedObjectsWatch<T extends KubeObject>(resource: ResourceRef, kind: (ctx: ControllerContext) => OwnerKind<T>): WatchSpec {
  return { resource, mapTo: (obj, ctx) => controllerOrAdopters(kind(ctx), obj, ctx.informer(resource)) };
}
