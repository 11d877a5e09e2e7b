// Finding the objects a controller owns: an index of an informer by the UID of each object's
// controlling owner, registered once per informer.
import type { KubeObject } from '../../api/object.js';
import type { Informer } from '../../client/informer.js';

const INDEX = 'cluster:controller-uid';
const indexed = new WeakSet<Informer<KubeObject>>();

export function controllerRef(obj: KubeObject) {
  return obj.metadata.ownerReferences?.find(r => r.controller);
}

/** Objects in `informer` whose controllerRef points at `uid`. */
export function ownedBy<T extends KubeObject>(informer: Informer<T>, uid: string): T[] {
  const inf = informer as unknown as Informer<KubeObject>;
  if (!indexed.has(inf)) {
    inf.addIndex(INDEX, o => { const r = controllerRef(o); return r ? [r.uid] : []; });
    indexed.add(inf);
  }
  return informer.byIndex(INDEX, uid);
}

const NS_INDEX = 'cluster:namespace';
const nsIndexed = new WeakSet<Informer<KubeObject>>();

/** Objects of `informer` in one namespace. */
export function inNamespace<T extends KubeObject>(informer: Informer<T>, namespace: string): T[] {
  const inf = informer as unknown as Informer<KubeObject>;
  if (!nsIndexed.has(inf)) {
    inf.addIndex(NS_INDEX, o => [o.metadata.namespace ?? '']);
    nsIndexed.add(inf);
  }
  return informer.byIndex(NS_INDEX, namespace);
}
