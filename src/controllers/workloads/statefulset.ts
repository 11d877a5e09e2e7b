// The StatefulSet controller: pods with stable names `<set>-<ordinal>` and their own PVCs, created
// in ordinal order and removed highest first (OrderedReady: one at a time, each waiting for its
// predecessors to be Running and Ready; Parallel: all at once), revisions as ControllerRevisions,
// and rolling updates from the highest ordinal down to the partition (or OnDelete).
import { isConflict, isNotFound } from '../../api/errors.js';
import { ignoreNotFound } from '../../client/api-errors.js';
import type { OwnerReference } from '../../api/object.js';
import { LabelSelector } from '../../api/selectors/label-selector.js';
import { collectionPath, objectPath, R } from '../../client/resources.js';
import type { Controller, ControllerContext } from '../types.js';
import { ownerKey } from '../types.js';
import {
  createRevision, deleteRevision, newRevision, nextRevisionNumber, sameData, setRevisionNumber, sortRevisions, templateOf,
} from './controller-history.js';
import { claim, controllerRefTo, ownerIsCurrent } from './controller-ref.js';
import { candidatesFor } from '../owner-index.js';
import { isPodAvailable, isPodRunningAndReady, isPodTerminating, msUntilAvailable } from '../../api/pod-state.js';
import {
  POD_INDEX_LABEL, POD_NAME_LABEL, claimsFor, identityMatches, inOrdinalRange, newStatefulPod, ordinalOf, revisionForNewPod,
  revisionOfPod, startOrdinal,
} from './statefulset-identity.js';
import { claimOwnersFor } from './statefulset-claim-retention.js';
import { ownedObjectsWatch, selectorOf, type OwnerKind } from './selecting-owners.js';
import { writeStatus } from './status-writer.js';
import { canonicalJson } from './template-hash.js';
import type { ControllerRevision, PersistentVolumeClaim, Pod, StatefulSet, StatefulSetStatus } from './types.js';
import { errorMessage } from '../../util/error-message.js';

export const statefulSetController: Controller = {
  name: 'statefulset',
  workers: 4,
  watches: [
    { resource: R.statefulsets },
    ownedObjectsWatch(R.pods, statefulSets),
    { resource: R.controllerrevisions, mapTo: ownerKey('StatefulSet') },
  ],
  async reconcile(key, ctx) {
    const set = ctx.informer<StatefulSet>(R.statefulsets).get(key);
    if (!set) return;
    const selector = selectorOf(set.spec.selector);
    if (selector) await new StatefulSetSync(structuredClone(set), selector, ctx).run();
  },
};

/** A StatefulSet adopts only pods named as its own (`<set>-<ordinal>`). */
function statefulSets(ctx: ControllerContext): OwnerKind<StatefulSet> {
  return {
    kind: 'StatefulSet', owners: ctx.informer<StatefulSet>(R.statefulsets), selector: set => selectorOf(set.spec.selector),
    mayAdopt: (set, pod) => ordinalOf(set, pod as Pod) >= 0,
  };
}

function isCreated(pod: Pod): boolean {
  return Boolean(pod.metadata.uid);
}

function isHealthy(pod: Pod): boolean {
  return isPodRunningAndReady(pod) && !isPodTerminating(pod);
}

/** The set as it was at `rev`: its template restored from the revision. */
function atRevision(set: StatefulSet, rev: ControllerRevision): StatefulSet {
  return { ...set, spec: { ...set.spec, template: templateOf(rev) ?? set.spec.template } };
}

class StatefulSetSync {
  private readonly ns: string;
  private readonly ref: OwnerReference;
  private readonly monotonic: boolean;
  private readonly minReady: number;

  constructor(private readonly set: StatefulSet, private readonly selector: LabelSelector, private readonly ctx: ControllerContext) {
    this.ns = set.metadata.namespace!;
    this.ref = controllerRefTo(set, 'apps/v1', 'StatefulSet');
    this.monotonic = (set.spec.podManagementPolicy ?? 'OrderedReady') !== 'Parallel';
    this.minReady = set.spec.minReadySeconds ?? 0;
  }

  async run(): Promise<void> {
    const set = this.set;
    const ownerStillValid = () => ownerIsCurrent(this.ctx.client, objectPath(R.statefulsets, this.ns, set.metadata.name!), set.metadata.uid!);
    const revisions = sortRevisions(await claim({
      client: this.ctx.client, owner: set, ownerRef: this.ref, selector: this.selector, ownerStillValid,
      candidates: candidatesFor(this.ctx.informer<ControllerRevision>(R.controllerrevisions), set),
      pathOf: r => objectPath(R.controllerrevisions, this.ns, r.metadata.name!),
    }));
    const pods = await claim({
      client: this.ctx.client, owner: set, ownerRef: this.ref, selector: this.selector, ownerStillValid,
      candidates: candidatesFor(this.ctx.informer<Pod>(R.pods), set),
      accepts: pod => ordinalOf(set, pod) >= 0,
      pathOf: p => objectPath(R.pods, this.ns, p.metadata.name!),
    });
    const { current, update, collisionCount } = await this.revisions(revisions);
    const { replicas, condemned } = await this.updatePods(pods, current, update);
    const status = this.status([...replicas, ...condemned].filter(isCreated), current, update, collisionCount);
    if (canonicalJson(status) !== canonicalJson(set.status)) await writeStatus(this.ctx.client, R.statefulsets, set, status);
    await this.truncateHistory(revisions, [...replicas, ...condemned], current, update);
    const waits = replicas.filter(isCreated).map(p => msUntilAvailable(p, this.minReady)).filter((ms): ms is number => ms !== undefined);
    if (waits.length) this.ctx.requeueAfter(`${this.ns}/${set.metadata.name}`, Math.min(...waits));
  }

  /**
   * The current revision (what status says pods run) and the update revision (the spec now):
   * an unchanged template reuses the latest revision, a template seen before (a rollback)
   * renumbers that revision, and a new template is stored as a new revision.
   */
  private async revisions(revisions: ControllerRevision[]): Promise<{ current: ControllerRevision; update: ControllerRevision; collisionCount: number }> {
    let collisionCount = this.set.status?.collisionCount ?? 0;
    const candidate = newRevision(this.set, this.ref, this.set.spec.template, nextRevisionNumber(revisions), collisionCount);
    const equal = revisions.filter(r => sameData(r, candidate));
    const latest = revisions[revisions.length - 1];
    let update: ControllerRevision;
    if (equal.length && sameData(latest, equal[equal.length - 1])) {
      update = latest;
    } else if (equal.length) {
      update = await setRevisionNumber(this.ctx.client, equal[equal.length - 1], candidate.revision);
    } else {
      ({ revision: update, collisionCount } = await createRevision(this.ctx.client, this.set, candidate, collisionCount));
    }
    const current = revisions.find(r => r.metadata.name === this.set.status?.currentRevision) ?? update;
    return { current, update, collisionCount };
  }

  /** The core of upstream updateStatefulSet: create, heal, scale down, then roll. */
  private async updatePods(pods: Pod[], current: ControllerRevision, update: ControllerRevision): Promise<{ replicas: Pod[]; condemned: Pod[] }> {
    const set = this.set;
    const start = startOrdinal(set);
    const count = set.spec.replicas ?? 1;
    const currentSet = atRevision(set, current);
    const updateSet = atRevision(set, update);
    const versioned = (ordinal: number): Pod => revisionForNewPod(currentSet, ordinal) === 'current'
      ? newStatefulPod(currentSet, ordinal, current.metadata.name!, this.ref)
      : newStatefulPod(updateSet, ordinal, update.metadata.name!, this.ref);

    const replicas: (Pod | undefined)[] = new Array(count).fill(undefined);
    const condemned: Pod[] = [];
    for (const pod of pods) {
      const ord = ordinalOf(set, pod);
      if (inOrdinalRange(set, ord)) replicas[ord - start] = pod;
      else if (ord >= 0) condemned.push(pod);
    }
    for (let i = 0; i < count; i++) replicas[i] ??= versioned(i + start);
    const live = replicas as Pod[];
    condemned.sort((a, b) => ordinalOf(set, b) - ordinalOf(set, a));
    const firstUnhealthy = live.find(p => !isHealthy(p)) ?? [...condemned].reverse().find(p => !isHealthy(p));
    if (set.metadata.deletionTimestamp) return { replicas: live, condemned };

    const processReplica = async (i: number): Promise<boolean> => {
      const pod = live[i];
      if (isCreated(pod) && (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded')) {
        const failed = pod.status.phase === 'Failed';
        this.ctx.recorder.event(set, failed ? 'Warning' : 'Normal', failed ? 'RecreatingFailedPod' : 'RecreatingTerminatedPod',
          `StatefulSet ${this.ns}/${set.metadata.name} is recreating ${failed ? 'failed' : 'terminated'} Pod ${pod.metadata.name}`);
        await this.deletePod(pod);
        live[i] = versioned(i + start);
      }
      if (!isCreated(live[i])) {
        const created = await this.createPod(live[i]);
        if (created) live[i] = created;
        // Created (or found already there): in order, nothing else may happen before it is Ready.
        return this.monotonic;
      }
      const p = live[i];
      if (this.monotonic && (isPodTerminating(p) || !isPodRunningAndReady(p) || !isPodAvailable(p, this.minReady))) return true;
      if (!identityMatches(set, p)) await this.fixIdentity(p);
      await this.updateClaimOwners(p, false);
      return false;
    };
    if (await this.forAll(live.length, processReplica)) return { replicas: live, condemned };

    const processCondemned = async (i: number): Promise<boolean> => {
      const pod = condemned[i];
      if (isPodTerminating(pod)) return this.monotonic;
      if (this.monotonic && pod !== firstUnhealthy && (!isPodRunningAndReady(pod) || !isPodAvailable(pod, this.minReady))) return true;
      // Claims that go with a scaled-down pod (whenScaled: Delete) become its dependents first.
      await this.updateClaimOwners(pod, true);
      await this.deletePod(pod);
      return true;
    };
    if (await this.forAll(condemned.length, processCondemned)) return { replicas: live, condemned };

    const strategy = set.spec.updateStrategy?.type ?? 'RollingUpdate';
    if (strategy === 'OnDelete') return { replicas: live, condemned };
    const partition = set.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
    for (let target = live.length - 1; target >= partition; target--) {
      const pod = live[target];
      if (revisionOfPod(pod) !== update.metadata.name && !isPodTerminating(pod)) {
        await this.deletePod(pod);
        break;
      }
      if (!isHealthy(pod)) break;
    }
    return { replicas: live, condemned };
  }

  /** Sequentially until one step says stop (OrderedReady), or every step at once (Parallel). */
  private async forAll(n: number, step: (i: number) => Promise<boolean>): Promise<boolean> {
    if (this.monotonic) {
      for (let i = 0; i < n; i++) if (await step(i)) return true;
      return false;
    }
    const results = await Promise.allSettled(Array.from({ length: n }, (_, i) => step(i)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return false;
  }

  /** Creates the pod's missing claims, then the pod; undefined if the pod already existed. */
  private async createPod(pod: Pod): Promise<Pod | undefined> {
    const set = this.set;
    const ord = ordinalOf(set, pod);
    for (const claimObj of claimsFor(set, ord)) {
      const path = objectPath(R.persistentvolumeclaims, this.ns, claimObj.metadata.name!);
      const found = await ignoreNotFound(this.ctx.client.get<PersistentVolumeClaim>(path));
      if (found?.metadata.deletionTimestamp) {
        // A claim on its way out (a scale-down's whenScaled: Delete) must not be handed to a new pod.
        const err = new Error(`pvc ${claimObj.metadata.name} is being deleted`);
        this.ctx.recorder.event(set, 'Warning', 'FailedCreate', `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${err.message}`);
        throw err;
      }
      if (found) continue;
      const owners = claimOwnersFor(claimObj, set, undefined, false);
      if (owners) claimObj.metadata.ownerReferences = owners;
      try {
        await this.ctx.client.create(collectionPath(R.persistentvolumeclaims, this.ns), claimObj);
        this.ctx.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${claimObj.metadata.name} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} success`);
      } catch (err) {
        if (isConflict(err)) continue;
        this.ctx.recorder.event(set, 'Warning', 'FailedCreate', `create Claim ${claimObj.metadata.name} for Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${errorMessage(err)}`);
        throw err;
      }
    }
    try {
      const created = await this.ctx.client.create<Pod>(collectionPath(R.pods, this.ns), pod);
      this.ctx.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
      return created;
    } catch (err) {
      // Our cache has not seen it yet; its add event brings us back.
      if (isConflict(err)) return undefined;
      this.ctx.recorder.event(set, 'Warning', 'FailedCreate', `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${errorMessage(err)}`);
      throw err;
    }
  }

  private async deletePod(pod: Pod): Promise<void> {
    try {
      await this.ctx.client.delete(objectPath(R.pods, this.ns, pod.metadata.name!), { preconditions: { uid: pod.metadata.uid } });
      this.ctx.recorder.event(this.set, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${this.set.metadata.name} successful`);
    } catch (err) {
      if (isNotFound(err) || isConflict(err)) return;
      this.ctx.recorder.event(this.set, 'Warning', 'FailedDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${this.set.metadata.name} failed error: ${errorMessage(err)}`);
      throw err;
    }
  }

  /** Sets the owners of the pod's claims that persistentVolumeClaimRetentionPolicy asks for. */
  private async updateClaimOwners(pod: Pod, scaledDown: boolean): Promise<void> {
    const claims = this.ctx.informer<PersistentVolumeClaim>(R.persistentvolumeclaims);
    for (const wanted of claimsFor(this.set, ordinalOf(this.set, pod))) {
      const claimObj = claims.get(`${this.ns}/${wanted.metadata.name}`);
      const owners = claimObj && !claimObj.metadata.deletionTimestamp && claimOwnersFor(claimObj, this.set, pod, scaledDown);
      if (!owners) continue;
      try {
        await this.ctx.client.update(objectPath(R.persistentvolumeclaims, this.ns, claimObj.metadata.name!), { ...claimObj, metadata: { ...claimObj.metadata, ownerReferences: owners } });
      } catch (err) {
        // A claim changed or gone meanwhile: the next sync sees it as it is.
        if (!isConflict(err) && !isNotFound(err)) throw err;
      }
    }
  }

  /** Restores the identity labels of an adopted or edited pod. */
  private async fixIdentity(pod: Pod): Promise<void> {
    const ord = ordinalOf(this.set, pod);
    await this.ctx.client.patch(objectPath(R.pods, this.ns, pod.metadata.name!), {
      metadata: { labels: { [POD_NAME_LABEL]: pod.metadata.name, [POD_INDEX_LABEL]: String(ord) } },
    }, 'merge');
    this.ctx.recorder.event(this.set, 'Normal', 'SuccessfulUpdate', `update Pod ${pod.metadata.name} in StatefulSet ${this.set.metadata.name} successful`);
  }

  private status(pods: Pod[], current: ControllerRevision, update: ControllerRevision, collisionCount: number): StatefulSetStatus {
    let ready = 0, available = 0, currentReplicas = 0, updated = 0;
    for (const pod of pods) {
      if (isPodRunningAndReady(pod)) {
        ready++;
        if (isPodAvailable(pod, this.minReady)) available++;
      }
      if (!isPodTerminating(pod)) {
        if (revisionOfPod(pod) === current.metadata.name) currentReplicas++;
        if (revisionOfPod(pod) === update.metadata.name) updated++;
      }
    }
    const s: StatefulSetStatus = {
      observedGeneration: this.set.metadata.generation,
      replicas: pods.length,
      availableReplicas: available,
      currentRevision: current.metadata.name,
      updateRevision: update.metadata.name,
      collisionCount,
    };
    if (ready) s.readyReplicas = ready;
    if (currentReplicas) s.currentReplicas = currentReplicas;
    if (updated) s.updatedReplicas = updated;
    if (this.set.status?.conditions?.length) s.conditions = this.set.status.conditions;
    // A finished rolling update makes the update revision current.
    if ((this.set.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' && updated === s.replicas && ready === s.replicas) {
      s.currentRevision = s.updateRevision;
      if (updated) s.currentReplicas = updated; else delete s.currentReplicas;
    }
    return s;
  }

  /** Keeps revisionHistoryLimit revisions besides the live ones (current, update, any pod's). */
  private async truncateHistory(revisions: ControllerRevision[], pods: Pod[], current: ControllerRevision, update: ControllerRevision): Promise<void> {
    const live = new Set([current.metadata.name, update.metadata.name, ...pods.filter(isCreated).map(revisionOfPod)]);
    const history = revisions.filter(r => !live.has(r.metadata.name));
    const excess = history.length - (this.set.spec.revisionHistoryLimit ?? 10);
    for (const r of history.slice(0, Math.max(0, excess))) await deleteRevision(this.ctx.client, r);
  }
}
