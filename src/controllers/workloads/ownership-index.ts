// Indexes that let a controller find its candidates without scanning every object in the cluster:
// objects by their controller's UID, and orphans (no controller) by namespace. A controller's
// candidates are exactly these two sets: what it owns and what it might adopt.
import type { KubeObject } from '../../api/object.js';
import type { Informer } from '../../client/informer.js';

const BY_CONTROLLER = 'workloads:controller-uid';
const ORPHANS = 'workloads:orphans-by-namespace';
const indexed = new WeakSet<Informer>();

function ensureIndexes(informer: Informer): void {
  if (indexed.has(informer)) return;
  indexed.add(informer);
  informer.addIndex(BY_CONTROLLER, o => {
    const ref = o.metadata.ownerReferences?.find(r => r.controller);
    return ref ? [ref.uid] : [];
  });
  informer.addIndex(ORPHANS, o => (o.metadata.ownerReferences?.some(r => r.controller) ? [] : [o.metadata.namespace ?? '']));
}

/** Objects controlled by `owner` plus orphans in its namespace. */
export function candidatesFor<T extends KubeObject>(informer: Informer<T>, owner: KubeObject): T[] {
  const inf = informer as unknown as Informer;
  ensureIndexes(inf);
  const owned = inf.byIndex(BY_CONTROLLER, owner.metadata.uid ?? '');
  const orphans = inf.byIndex(ORPHANS, owner.metadata.namespace ?? '');
  return [...owned, ...orphans] as T[];
}

/** Objects controlled by the object with this UID. */
export function controlledBy<T extends KubeObject>(informer: Informer<T>, uid: string): T[] {
  const inf = informer as unknown as Informer;
  ensureIndexes(inf);
  return inf.byIndex(BY_CONTROLLER, uid) as T[];
}
