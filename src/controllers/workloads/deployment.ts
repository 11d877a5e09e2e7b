// The Deployment controller: owns ReplicaSets named `<deployment>-<pod-template-hash>`, one per
// template revision, and moves replicas from old to new ones by the RollingUpdate or Recreate
// strategy, with upstream's revisions, proportional scaling, pause, history cleanup and status.
import { isConflict } from '../../api/errors.js';
import { ignoreNotFound } from '../../client/api-errors.js';
import type { KubeObject } from '../../api/object.js';
import { LabelSelector } from '../../api/selectors/label-selector.js';
import { collectionPath, objectPath, R } from '../../client/resources.js';
import type { Controller, ControllerContext } from '../types.js';
import { findCondition, setCondition } from '../../api/conditions.js';
import { newCondition } from './conditions.js';
import { claim, controllerRefTo, ownerIsCurrent } from './controller-ref.js';
import {
  activeReplicaSets, byRevision, desiredReplicasAnnotation, findNewReplicaSet, maxRevision, rsReplicas,
  setNewReplicaSetAnnotations, setReplicasAnnotations, statusSum, templatesEqualIgnoringHash,
} from './deployment-replicasets.js';
import { newReplicaSetReplicas, planOldScaleDown, planScale, type ScaleStep } from './deployment-scaling.js';
import {
  POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION, desiredReplicas, isRollingUpdate, maxSurge, minReadySeconds,
  progressDeadlineSeconds, revisionHistoryLimit,
} from './deployment-spec.js';
import { Reason, calculateStatus, deploymentComplete, msUntilProgressDeadline, rolloutStatus } from './deployment-status.js';
import { candidatesFor, controlledBy, controllerOf } from '../owner-index.js';
import { controllerOrAdopters, ownedObjectsWatch, selectorOf, type OwnerKind } from './selecting-owners.js';
import { writeStatus } from './status-writer.js';
import { canonicalJson, computeHash } from './template-hash.js';
import type { Deployment, DeploymentStatus, Pod, ReplicaSet } from './types.js';
import { errorMessage } from '../../util/error-message.js';

export const deploymentController: Controller = {
  name: 'deployment',
  workers: 4,
  watches: [
    { resource: R.deployments },
    ownedObjectsWatch(R.replicasets, deployments),
    // Recreate waits for old pods to be gone, which no ReplicaSet status change announces.
    { resource: R.pods, mapTo: (pod, ctx) => deploymentsOfGoingPod(pod, ctx) },
  ],
  async reconcile(key, ctx) {
    const d = ctx.informer<Deployment>(R.deployments).get(key);
    if (!d) return;
    await new DeploymentSync(structuredClone(d), ctx).run();
  },
};

function deployments(ctx: ControllerContext): OwnerKind<Deployment> {
  return { kind: 'Deployment', owners: ctx.informer<Deployment>(R.deployments), selector: d => selectorOf(d.spec.selector) };
}

/** A terminating pod leads, through its (cached) ReplicaSet, to that set's Deployment or adopters. */
function deploymentsOfGoingPod(pod: KubeObject, ctx: ControllerContext): string[] {
  const ref = controllerOf(pod);
  if (!pod.metadata.deletionTimestamp || ref?.kind !== 'ReplicaSet') return [];
  const replicaSets = ctx.informer<ReplicaSet>(R.replicasets);
  const rs = replicaSets.get(`${pod.metadata.namespace}/${ref.name}`);
  return rs ? controllerOrAdopters(deployments(ctx), rs, replicaSets) : [];
}

/** One sync of one Deployment; `d` tracks the latest written version of the Deployment. */
class DeploymentSync {
  private readonly ns: string;
  private readonly key: string;

  constructor(private d: Deployment, private readonly ctx: ControllerContext) {
    this.ns = d.metadata.namespace!;
    this.key = `${this.ns}/${d.metadata.name}`;
  }

  async run(): Promise<void> {
    const d = this.d;
    const selector = selectorOf(d.spec.selector);
    if (!selector) return;
    if (selector.empty) {
      this.ctx.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) await this.writeStatus({ ...d.status, observedGeneration: d.metadata.generation });
      return;
    }
    const rsList = await this.claimReplicaSets(selector);
    if (d.metadata.deletionTimestamp) return this.syncStatusOnly(rsList);
    await this.checkPausedConditions();
    if (this.d.spec.paused) return this.sync(rsList);
    if (this.isScalingEvent(rsList)) return this.sync(rsList);
    return isRollingUpdate(this.d) ? this.rolloutRolling(rsList) : this.rolloutRecreate(rsList);
  }

  private async claimReplicaSets(selector: LabelSelector): Promise<ReplicaSet[]> {
    const d = this.d;
    const claimed = await claim({
      client: this.ctx.client, owner: d, ownerRef: controllerRefTo(d, 'apps/v1', 'Deployment'), selector,
      candidates: candidatesFor(this.ctx.informer<ReplicaSet>(R.replicasets), d),
      pathOf: rs => objectPath(R.replicasets, this.ns, rs.metadata.name!),
      ownerStillValid: () => ownerIsCurrent(this.ctx.client, objectPath(R.deployments, this.ns, d.metadata.name!), d.metadata.uid!),
    });
    return claimed.map(rs => structuredClone(rs));
  }

  // --- the three kinds of sync -------------------------------------------------------------

  /** A paused Deployment or a pure resize: scale, clean up history when paused, write status. */
  private async sync(rsList: ReplicaSet[]): Promise<void> {
    const { newRS, oldRSs } = await this.newAndOldReplicaSets(rsList, false);
    await this.applyScale(planScale(this.d, newRS, oldRSs));
    if (this.d.spec.paused) await this.cleanupHistory(oldRSs);
    await this.writeIfChanged(calculateStatus(this.d, newRS ? [...oldRSs, newRS] : oldRSs, newRS));
  }

  private async syncStatusOnly(rsList: ReplicaSet[]): Promise<void> {
    const { newRS, oldRSs } = await this.newAndOldReplicaSets(rsList, false);
    await this.writeIfChanged(calculateStatus(this.d, newRS ? [...oldRSs, newRS] : oldRSs, newRS));
  }

  private async rolloutRolling(rsList: ReplicaSet[]): Promise<void> {
    const { newRS, oldRSs } = await this.newAndOldReplicaSets(rsList, true);
    if (!newRS) return;
    const allRSs = [...oldRSs, newRS];
    if (await this.reconcileNewReplicaSet(allRSs, newRS)) return this.syncRolloutStatus(allRSs, newRS);
    const steps = planOldScaleDown(this.d, allRSs, activeReplicaSets(oldRSs), newRS);
    if (steps.length) {
      await this.applyScale(steps);
      return this.syncRolloutStatus(allRSs, newRS);
    }
    if (deploymentComplete(this.d, this.d.status ?? {})) await this.cleanupHistory(oldRSs);
    return this.syncRolloutStatus(allRSs, newRS);
  }

  /** Scale every old ReplicaSet to 0, wait for their pods to be gone, then scale up the new one. */
  private async rolloutRecreate(rsList: ReplicaSet[]): Promise<void> {
    let { newRS, oldRSs } = await this.newAndOldReplicaSets(rsList, false);
    const activeOld = activeReplicaSets(oldRSs);
    if (activeOld.length) {
      await this.applyScale(activeOld.map(rs => ({ rs, replicas: 0 })));
      return this.syncRolloutStatus(newRS ? [...oldRSs, newRS] : oldRSs, newRS);
    }
    if (this.oldPodsRunning(newRS, oldRSs)) return this.syncRolloutStatus(newRS ? [...oldRSs, newRS] : oldRSs, newRS);
    if (!newRS) ({ newRS, oldRSs } = await this.newAndOldReplicaSets(rsList, true));
    if (!newRS) return;
    const allRSs = [...oldRSs, newRS];
    if (rsReplicas(newRS) !== desiredReplicas(this.d)) await this.scaleReplicaSet(newRS, desiredReplicas(this.d));
    if (deploymentComplete(this.d, this.d.status ?? {})) await this.cleanupHistory(oldRSs);
    return this.syncRolloutStatus(allRSs, newRS);
  }

  // --- steps ------------------------------------------------------------------------------

  private async reconcileNewReplicaSet(allRSs: ReplicaSet[], newRS: ReplicaSet): Promise<boolean> {
    const desired = desiredReplicas(this.d);
    const current = rsReplicas(newRS);
    if (current === desired) return false;
    const target = current > desired ? desired : newReplicaSetReplicas(this.d, allRSs, newRS);
    return this.scaleReplicaSet(newRS, target);
  }

  /** Old ReplicaSets still have pods that are not finished (terminating ones included). */
  private oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): boolean {
    if (statusSum(oldRSs, 'replicas') > 0) return true;
    const pods = this.ctx.informer<Pod>(R.pods);
    return oldRSs.some(rs => rs !== newRS && controlledBy(pods, rs.metadata.uid!).some(p => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded'));
  }

  /** A resize: some active ReplicaSet was sized for a different spec.replicas. */
  private isScalingEvent(rsList: ReplicaSet[]): boolean {
    const desired = desiredReplicas(this.d);
    return activeReplicaSets(rsList).some(rs => {
      const annotated = desiredReplicasAnnotation(rs);
      return annotated !== undefined && annotated !== desired;
    });
  }

  private async applyScale(steps: ScaleStep[]): Promise<void> {
    for (const s of steps) await this.scaleReplicaSet(s.rs, s.replicas);
  }

  /** Sets replicas and the replica annotations; records ScalingReplicaSet when the size changes. */
  private async scaleReplicaSet(rs: ReplicaSet, replicas: number): Promise<boolean> {
    const from = rsReplicas(rs);
    const copy = structuredClone(rs);
    const annotationsChanged = setReplicasAnnotations(copy, desiredReplicas(this.d), desiredReplicas(this.d) + maxSurge(this.d));
    if (from === replicas && !annotationsChanged) return false;
    copy.spec.replicas = replicas;
    const updated = await this.ctx.client.update<ReplicaSet>(objectPath(R.replicasets, this.ns, rs.metadata.name!), copy);
    Object.assign(rs, updated);
    if (from !== replicas) {
      this.ctx.recorder.event(this.d, 'Normal', 'ScalingReplicaSet', `Scaled ${from < replicas ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${replicas}`);
    }
    return from !== replicas;
  }

  /**
   * The new ReplicaSet (created when `create` and missing) and the old ones, with the new one's
   * revision and the Deployment's revision annotation brought up to date.
   */
  private async newAndOldReplicaSets(rsList: ReplicaSet[], create: boolean): Promise<{ newRS?: ReplicaSet; oldRSs: ReplicaSet[] }> {
    const existing = findNewReplicaSet(this.d, rsList);
    const oldRSs = rsList.filter(rs => rs !== existing);
    const newRevision = maxRevision(oldRSs) + 1;
    if (existing) {
      const copy = structuredClone(existing);
      const annotated = setNewReplicaSetAnnotations(this.d, copy, newRevision, true);
      if (annotated || (copy.spec.minReadySeconds ?? 0) !== minReadySeconds(this.d)) {
        copy.spec.minReadySeconds = minReadySeconds(this.d);
        Object.assign(existing, await this.ctx.client.update<ReplicaSet>(objectPath(R.replicasets, this.ns, existing.metadata.name!), copy));
      }
      await this.setDeploymentRevision(existing.metadata.annotations?.[REVISION_ANNOTATION]);
      if (progressDeadlineSeconds(this.d) !== undefined && !findCondition(this.d.status?.conditions, 'Progressing')) {
        const conditions = setCondition(this.d.status?.conditions, newCondition('Progressing', 'True', Reason.FoundNewReplicaSet, `Found new replica set "${existing.metadata.name}"`, true));
        await this.writeStatus({ ...this.d.status, conditions });
      }
      return { newRS: existing, oldRSs };
    }
    if (!create) return { oldRSs };
    const newRS = await this.createNewReplicaSet(oldRSs, newRevision);
    return { newRS, oldRSs };
  }

  private async createNewReplicaSet(oldRSs: ReplicaSet[], newRevision: number): Promise<ReplicaSet | undefined> {
    const d = this.d;
    const hash = computeHash(d.spec.template, d.status?.collisionCount);
    const template = structuredClone(d.spec.template);
    template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash } };
    const selector = structuredClone(d.spec.selector);
    selector.matchLabels = { ...selector.matchLabels, [POD_TEMPLATE_HASH_LABEL]: hash };
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: { name: `${d.metadata.name}-${hash}`, namespace: this.ns, ownerReferences: [controllerRefTo(d, 'apps/v1', 'Deployment')], labels: template.metadata.labels },
      spec: { replicas: 0, minReadySeconds: minReadySeconds(d), selector, template },
    };
    rs.spec.replicas = newReplicaSetReplicas(d, [...oldRSs, rs], rs);
    setNewReplicaSetAnnotations(d, rs, newRevision, false);
    let created: ReplicaSet;
    let alreadyExisted = false;
    try {
      created = await this.ctx.client.create<ReplicaSet>(collectionPath(R.replicasets, this.ns), rs);
    } catch (err) {
      if (isConflict(err)) {
        const found = await this.ctx.client.get<ReplicaSet>(objectPath(R.replicasets, this.ns, rs.metadata.name!));
        if (controllerOf(found)?.uid !== d.metadata.uid || !templatesEqualIgnoringHash(found.spec.template, d.spec.template)) {
          // A different ReplicaSet holds our name: hash again with a higher collision count.
          await this.writeStatus({ ...d.status, collisionCount: (d.status?.collisionCount ?? 0) + 1 });
          throw err;
        }
        created = found;
        alreadyExisted = true;
      } else {
        const message = `Failed to create new replica set "${rs.metadata.name}": ${errorMessage(err)}`;
        if (progressDeadlineSeconds(d) !== undefined) {
          await this.writeStatus({ ...d.status, conditions: setCondition(d.status?.conditions, newCondition('Progressing', 'False', Reason.ReplicaSetCreateError, message, true)) });
        }
        this.ctx.recorder.event(d, 'Warning', Reason.ReplicaSetCreateError, message);
        throw err;
      }
    }
    if (!alreadyExisted && rsReplicas(created) > 0) {
      this.ctx.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${rsReplicas(created)}`);
    }
    await this.setDeploymentRevision(String(newRevision));
    if (!alreadyExisted && progressDeadlineSeconds(this.d) !== undefined) {
      const conditions = setCondition(this.d.status?.conditions, newCondition('Progressing', 'True', Reason.NewReplicaSetCreated, `Created new replica set "${created.metadata.name}"`, true));
      await this.writeStatus({ ...this.d.status, conditions });
    }
    return structuredClone(created);
  }

  /** Deletes the oldest fully scaled-down ReplicaSets beyond revisionHistoryLimit. */
  private async cleanupHistory(oldRSs: ReplicaSet[]): Promise<void> {
    const limit = revisionHistoryLimit(this.d);
    const alive = oldRSs.filter(rs => !rs.metadata.deletionTimestamp);
    const excess = alive.length - limit;
    if (excess <= 0) return;
    for (const rs of [...alive].sort(byRevision).slice(0, excess)) {
      if ((rs.status?.replicas ?? 0) !== 0 || rsReplicas(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
      await ignoreNotFound(this.ctx.client.delete(objectPath(R.replicasets, this.ns, rs.metadata.name!), { preconditions: { uid: rs.metadata.uid } }));
    }
  }

  // --- status -----------------------------------------------------------------------------

  private async checkPausedConditions(): Promise<void> {
    if (progressDeadlineSeconds(this.d) === undefined) return;
    const c = findCondition(this.d.status?.conditions, 'Progressing');
    if (c?.reason === Reason.ProgressDeadlineExceeded) return;
    const pausedRecorded = c?.reason === Reason.DeploymentPaused;
    let next;
    if (this.d.spec.paused && !pausedRecorded) next = newCondition('Progressing', 'Unknown', Reason.DeploymentPaused, 'Deployment is paused', true);
    else if (!this.d.spec.paused && pausedRecorded) next = newCondition('Progressing', 'Unknown', Reason.DeploymentResumed, 'Deployment is resumed', true);
    if (next) await this.writeStatus({ ...this.d.status, conditions: setCondition(this.d.status?.conditions, next) });
  }

  private async syncRolloutStatus(allRSs: ReplicaSet[], newRS: ReplicaSet | undefined): Promise<void> {
    const status = rolloutStatus(this.d, allRSs, newRS);
    if (!(await this.writeIfChanged(status))) {
      const wait = msUntilProgressDeadline(this.d, status);
      if (wait !== undefined) this.ctx.requeueAfter(this.key, wait);
    }
  }

  private async writeIfChanged(status: DeploymentStatus): Promise<boolean> {
    if (canonicalJson(status) === canonicalJson(this.d.status)) return false;
    await this.writeStatus(status);
    return true;
  }

  private async writeStatus(status: DeploymentStatus): Promise<void> {
    const written = await writeStatus(this.ctx.client, R.deployments, this.d, status);
    if (written) this.d = written;
  }

  /**
   * The Deployment carries the revision of its new ReplicaSet (a metadata write, not status): an
   * update at the cached resourceVersion, as upstream's controller writes it (its role may update
   * Deployments, not patch them).
   */
  private async setDeploymentRevision(revision: string | undefined): Promise<void> {
    if (revision === undefined || this.d.metadata.annotations?.[REVISION_ANNOTATION] === revision) return;
    this.d = await this.ctx.client.update<Deployment>(objectPath(R.deployments, this.ns, this.d.metadata.name!), {
      ...this.d, metadata: { ...this.d.metadata, annotations: { ...this.d.metadata.annotations, [REVISION_ANNOTATION]: revision } },
    });
  }
}
