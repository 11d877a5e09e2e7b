// Indexes that let a controller find objects without scanning the whole cache: by the UID of their
// controlling owner, orphans (no controller) by namespace, and everything by namespace. Informers
// are shared, so each index is added once per informer and serves every controller that asks.
import type { KubeObject, OwnerReference } from '../api/object.js';
import type { IndexFunction, Informer } from '../client/informer.js';

const BY_CONTROLLER = 'controller-uid';
const ORPHANS = 'orphans-by-namespace';
const BY_NAMESPACE = 'namespace';
const added = new WeakMap<Informer, Set<string>>();

/** `informer`, with the index `name` added if no one has added it yet. */
export function withIndex<T extends KubeObject>(informer: Informer<T>, name: string, fn: IndexFunction<KubeObject>): Informer<T> {
  const inf = informer as unknown as Informer;
  let names = added.get(inf);
  if (!names) added.set(inf, (names = new Set()));
  if (!names.has(name)) {
    inf.addIndex(name, fn);
    names.add(name);
  }
  return informer;
}

/** The owner reference marked controller, if any. */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find(r => r.controller);
}

const controllerUid: IndexFunction<KubeObject> = o => {
  const ref = controllerOf(o);
  return ref ? [ref.uid] : [];
};
const orphanNamespace: IndexFunction<KubeObject> = o => (controllerOf(o) ? [] : [o.metadata.namespace ?? '']);
const namespaceOf: IndexFunction<KubeObject> = o => [o.metadata.namespace ?? ''];

/** Objects whose controllerRef points at `uid`. */
export function controlledBy<T extends KubeObject>(informer: Informer<T>, uid: string): T[] {
  return withIndex(informer, BY_CONTROLLER, controllerUid).byIndex(BY_CONTROLLER, uid);
}

/** Objects with no controller in one namespace: what a controller there might adopt. */
export function orphansIn<T extends KubeObject>(informer: Informer<T>, namespace: string): T[] {
  return withIndex(informer, ORPHANS, orphanNamespace).byIndex(ORPHANS, namespace);
}

/** Objects controlled by `owner` plus orphans in its namespace: everything it may claim. */
export function candidatesFor<T extends KubeObject>(informer: Informer<T>, owner: KubeObject): T[] {
  return [...controlledBy(informer, owner.metadata.uid ?? ''), ...orphansIn(informer, owner.metadata.namespace ?? '')];
}

/** Objects of `informer` in one namespace. */
export function inNamespace<T extends KubeObject>(informer: Informer<T>, namespace: string): T[] {
  return withIndex(informer, BY_NAMESPACE, namespaceOf).byIndex(BY_NAMESPACE, namespace);
}
