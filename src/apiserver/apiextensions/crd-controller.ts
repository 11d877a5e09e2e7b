// The CRD controllers of upstream's apiextensions-apiserver, run inside the API server over its own
// registry: naming + establishing (status.acceptedNames, NamesAccepted, Established) and the
// finalizer (a deleted CRD's custom resources are all deleted, then its cleanup finalizer removed
// so the CRD itself goes). One work queue of CRD names, level-triggered.
import { setCondition } from '../../api/conditions.js';
import { CUSTOM_RESOURCE_CLEANUP_FINALIZER, customResourceInfos, storageVersionOf } from '../../api/custom-resources.js';
import { NotFoundError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { FieldSelector } from '../../api/selectors/field-selector.js';
import { LabelSelector } from '../../api/selectors/label-selector.js';
import type { CustomResourceDefinition, CustomResourceDefinitionCondition } from '../../api/types/generated.js';
import { runQueueWorker, type SyncResult } from '../../client/queue-worker.js';
import { WorkQueue } from '../../client/work-queue.js';
import { systemContext } from '../context.js';
import { clone } from '../patch/json.js';
import type { Registry } from '../registry/registry.js';
import { decideNames } from './crd-names.js';
import { CRD_GROUP, CRD_RESOURCE } from './custom-resource-serving.js';

type Crd = CustomResourceDefinition & KubeObject;

/** How soon a CRD whose objects are still going (their own finalizers) is looked at again. */
const CLEANUP_RECHECK_MS = 1000;

export class CustomResourceDefinitionController {
  private readonly queue = new WorkQueue<string>();
  private unsubscribe?: () => void;

  constructor(
    private readonly registry: Registry,
    /** Resolves once the serving side reflects every CRD change seen so far. */
    private readonly served: () => Promise<void>,
    private readonly log: (msg: string, fields?: Record<string, unknown>) => void = () => {},
  ) {}

  start(): void {
    const cache = this.store().cache;
    this.unsubscribe = cache.subscribe(events => {
      for (const e of events) this.enqueueGroup(e.current.object as Crd);
    });
    for (const c of cache.list()) this.queue.add(c.object.metadata.name!);
    void runQueueWorker(this.queue, name => this.reconcile(name),
      (name, err) => this.log('CRD reconcile failed', { crd: name, error: String(err) }));
  }

  stop(): void {
    this.unsubscribe?.();
    this.queue.shutdown();
  }

  /** A CRD's change may free or take names for the others of its group. */
  private enqueueGroup(changed: Crd): void {
    for (const c of this.store().cache.list()) {
      const crd = c.object as Crd;
      if (crd.spec.group === changed.spec.group) this.queue.add(crd.metadata.name!);
    }
    this.queue.add(changed.metadata.name!);
  }

  private store() {
    return this.registry.get(CRD_GROUP, CRD_RESOURCE);
  }

  /** Asks for another look when the CRD's objects are still going. */
  private async reconcile(name: string): Promise<SyncResult | undefined> {
    const crd = this.store().getCached('', name)?.object as Crd | undefined;
    if (!crd) return undefined;
    if (crd.metadata.deletionTimestamp) {
      return crd.metadata.finalizers?.includes(CUSTOM_RESOURCE_CLEANUP_FINALIZER) ? this.finalize(crd) : undefined;
    }
    const all = this.store().cache.list().map(c => c.object as Crd);
    const decision = decideNames(crd, all);
    let conditions = crd.status?.conditions;
    conditions = setCondition(conditions, decision.namesAccepted);
    conditions = setCondition(conditions, decision.established);
    await this.writeStatus(crd, { ...crd.status, acceptedNames: decision.acceptedNames, conditions });
    return undefined;
  }

  /** Deletes every object of the CRD; once none is left, the finalizer goes and so does the CRD. */
  private async finalize(crd: Crd): Promise<SyncResult | undefined> {
    await this.writeStatus(crd, { ...crd.status, conditions: setCondition(crd.status?.conditions, terminatingCondition('True', 'InstanceDeletionInProgress', 'CustomResource deletion is in progress')) });
    await this.served();
    const store = this.objectStore(crd);
    let remaining = 0;
    if (store) {
      const everything = { labelSelector: LabelSelector.everything(), fieldSelector: FieldSelector.everything() };
      await store.deleteCollection(controllerContext(), '', everything, {});
      remaining = store.cache.list().length;
    }
    if (remaining > 0) {
      await this.writeStatus(this.current(crd), { ...crd.status, conditions: setCondition(this.current(crd).status?.conditions, terminatingCondition('True', 'InstanceDeletionCheck', `could not confirm zero CustomResources remaining: ${remaining} remaining`)) });
      return { requeueAfterMs: CLEANUP_RECHECK_MS };
    }
    const latest = this.current(crd);
    await this.writeStatus(latest, { ...latest.status, conditions: setCondition(latest.status?.conditions, terminatingCondition('False', 'InstanceDeletionCompleted', 'removed all instances')) });
    const done = clone(this.current(crd));
    done.metadata.finalizers = (done.metadata.finalizers ?? []).filter(f => f !== CUSTOM_RESOURCE_CLEANUP_FINALIZER);
    await this.store().update(controllerContext(), '', done.metadata.name!, done);
    return undefined;
  }

  /** A store serving the CRD's objects, the storage version's if served (every version's share the keys). */
  private objectStore(crd: Crd) {
    const storage = storageVersionOf(crd);
    const infos = customResourceInfos(crd).sort((a, b) => Number(b.version === storage) - Number(a.version === storage));
    return infos.map(i => this.registry.find(i.group, i.version, i.resource)).find(s => s !== undefined);
  }

  private current(crd: Crd): Crd {
    const found = this.store().getCached('', crd.metadata.name!)?.object as Crd | undefined;
    if (!found || found.metadata.uid !== crd.metadata.uid) throw new NotFoundError({ group: CRD_GROUP, resource: CRD_RESOURCE, name: crd.metadata.name });
    return found;
  }

  private async writeStatus(crd: Crd, status: Crd['status']): Promise<void> {
    if (JSON.stringify(status) === JSON.stringify(crd.status)) return;
    const next = clone(crd);
    next.status = status;
    await this.store().update(controllerContext(), '', crd.metadata.name!, next, { subresource: 'status' });
  }
}

/** The API server's own writes, recorded in managedFields as upstream's loopback client's are. */
function controllerContext() {
  return { ...systemContext(), fieldManager: 'kube-apiserver' };
}

function terminatingCondition(status: 'True' | 'False', reason: string, message: string): CustomResourceDefinitionCondition {
  return { type: 'Terminating', status, reason, message };
}
