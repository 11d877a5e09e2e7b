// The PersistentVolume binder (upstream's `persistentvolume-binder`, pkg/controller/volume/
// persistentvolume): binds claims to volumes, asks external provisioners for volumes, and moves
// volumes through Available, Bound, Released and Failed. Claims are keyed `namespace/name`,
// volumes (cluster-scoped) by their name; the planners decide, this file only writes.
import { isNotFound } from '../../api/errors.js';
import { nowTimestamp } from '../../api/object.js';
import { podReferences } from '../../api/pod-references.js';
import { claimClass } from '../../api/storage-class.js';
import {
  ANN_BETA_STORAGE_PROVISIONER, ANN_STORAGE_PROVISIONER, claimReference, type PersistentVolume, type PersistentVolumeClaim, type StorageClass,
} from '../../api/volume-binding.js';
import { ignoreNotFound } from '../../client/api-errors.js';
import { objectPath, R } from '../../client/resources.js';
import type { Controller, ControllerContext } from '../types.js';
import type { Pod } from '../workloads/types.js';
import { claimBoundTo, claimStatusFor, planClaim, type ClaimView, type PlannedEvent } from './pv-claim-plan.js';
import { planVolume, volumeBoundTo, volumeUnbound, type PhaseStep } from './pv-volume-plan.js';

/** Upstream's resync period: a Pending claim is looked at again this often (new volumes, new classes). */
const PENDING_RESYNC_MS = 15_000;

const claimKey = (namespace: string | undefined, name: string | undefined) => `${namespace}/${name}`;
const isClaimKey = (key: string) => key.includes('/');

export const persistentVolumeBinder: Controller = {
  name: 'persistentvolume-binder',
  workers: 2,
  watches: [
    { resource: R.persistentvolumeclaims, mapTo: (c, ctx) => [claimKey(c.metadata.namespace, c.metadata.name), ...volumesOfClaim(c as PersistentVolumeClaim, ctx)] },
    { resource: R.persistentvolumes, mapTo: (v, ctx) => [v.metadata.name!, ...claimsOfVolume(v as PersistentVolume, ctx)] },
    { resource: R.storageclasses, mapTo: (sc, ctx) => unboundClaims(ctx).filter(c => claimClass(c) === sc.metadata.name).map(keyOf) },
    { resource: R.pods, mapTo: (p, ctx) => unscheduledClaimKeys(p as Pod, ctx) },
  ],
  async reconcile(key, ctx) {
    if (isClaimKey(key)) await syncClaim(key, ctx);
    else await syncVolume(key, ctx);
  },
};

const keyOf = (c: PersistentVolumeClaim) => claimKey(c.metadata.namespace, c.metadata.name);
const claims = (ctx: ControllerContext) => ctx.informer<PersistentVolumeClaim>(R.persistentvolumeclaims);
const volumes = (ctx: ControllerContext) => ctx.informer<PersistentVolume>(R.persistentvolumes);
const unboundClaims = (ctx: ControllerContext) => claims(ctx).list().filter(c => !c.spec?.volumeName);

/** A claim's change concerns the volume it names and any volume whose claimRef names it. */
function volumesOfClaim(claim: PersistentVolumeClaim, ctx: ControllerContext): string[] {
  const names = new Set<string>();
  if (claim.spec?.volumeName) names.add(claim.spec.volumeName);
  for (const v of volumes(ctx).list()) {
    const ref = v.spec?.claimRef;
    if (ref?.name === claim.metadata.name && ref?.namespace === claim.metadata.namespace) names.add(v.metadata.name!);
  }
  return [...names];
}

/** A volume's change concerns its claim, or (free now) every claim still waiting for a volume. */
function claimsOfVolume(volume: PersistentVolume, ctx: ControllerContext): string[] {
  const ref = volume.spec?.claimRef;
  if (ref) return [claimKey(ref.namespace, ref.name)];
  return volume.status?.phase === 'Available' ? unboundClaims(ctx).map(keyOf) : [];
}

/** A pod not yet scheduled: its claims' WaitForFirstConsumer Events name it. */
function unscheduledClaimKeys(pod: Pod, ctx: ControllerContext): string[] {
  if (pod.spec?.nodeName) return [];
  const ns = pod.metadata.namespace;
  return [...podReferences(pod).persistentVolumeClaims].map(n => claimKey(ns, n)).filter(k => claims(ctx).get(k) && !claims(ctx).get(k)!.spec?.volumeName);
}

async function syncClaim(key: string, ctx: ControllerContext): Promise<void> {
  const claim = claims(ctx).get(key);
  if (!claim) return;
  const view: ClaimView = {
    volumes: volumes(ctx).list(),
    volume: name => volumes(ctx).get(name),
    storageClass: name => ctx.informer<StorageClass>(R.storageclasses).get(name),
    unscheduledPods: ctx.informer<Pod>(R.pods).list()
      .filter(p => p.metadata.namespace === claim.metadata.namespace && !p.spec?.nodeName && podReferences(p).persistentVolumeClaims.has(claim.metadata.name!))
      .map(p => p.metadata.name!).sort(),
  };
  const plan = planClaim(claim, view);
  const io = new ClaimWriter(claim, ctx);
  switch (plan.action) {
    case 'bind':
      await bind(plan.volume, claim, ctx);
      return;
    case 'lost':
      if (claim.status?.phase !== 'Lost') emit(ctx, claim, plan.event);
      await io.status('Lost');
      return;
    case 'provision':
      await io.annotate({ [ANN_BETA_STORAGE_PROVISIONER]: plan.provisioner, [ANN_STORAGE_PROVISIONER]: plan.provisioner });
      emit(ctx, io.claim, plan.event);
      await io.status('Pending');
      break;
    case 'pending':
      if (plan.event) emit(ctx, claim, plan.event);
      await io.status('Pending');
      break;
  }
  ctx.requeueAfter(key, PENDING_RESYNC_MS);
}

/** Writes to one claim, each from the object the previous write returned. */
class ClaimWriter {
  constructor(public claim: PersistentVolumeClaim, private readonly ctx: ControllerContext) {}

  private path(sub?: string) {
    return objectPath(R.persistentvolumeclaims, this.claim.metadata.namespace, this.claim.metadata.name!, sub);
  }

  async annotate(annotations: Record<string, string>): Promise<void> {
    const current = this.claim.metadata.annotations ?? {};
    if (Object.entries(annotations).every(([k, v]) => current[k] === v)) return;
    const next = structuredClone(this.claim);
    next.metadata.annotations = { ...current, ...annotations };
    this.claim = await this.ctx.client.update<PersistentVolumeClaim>(this.path(), next);
  }

  async replace(next: PersistentVolumeClaim | undefined): Promise<void> {
    if (next) this.claim = await this.ctx.client.update<PersistentVolumeClaim>(this.path(), next);
  }

  async status(phase: string, volume?: PersistentVolume): Promise<void> {
    const status = claimStatusFor(this.claim, phase, volume);
    if (!status) return;
    this.claim = await this.ctx.client.update<PersistentVolumeClaim>(this.path('status'), { ...this.claim, status });
  }
}

/** bind(): the volume's claimRef and phase, then the claim's volumeName, annotations and status. */
async function bind(volume: PersistentVolume, claim: PersistentVolumeClaim, ctx: ControllerContext): Promise<void> {
  let vol = volume;
  const bound = volumeBoundTo(vol, claim, claimReference(claim));
  if (bound) vol = await ctx.client.update<PersistentVolume>(objectPath(R.persistentvolumes, undefined, vol.metadata.name!), bound);
  vol = await writeVolumePhase(vol, { phase: 'Bound' }, ctx);
  const io = new ClaimWriter(claim, ctx);
  await io.replace(claimBoundTo(claim, vol));
  await io.status('Bound', vol);
}

async function syncVolume(name: string, ctx: ControllerContext): Promise<void> {
  const volume = volumes(ctx).get(name);
  if (!volume) return;
  const claim = await claimOfVolume(volume, ctx);
  const plan = planVolume(volume, claim);
  let vol = volume;
  if (plan.unbind) vol = await ctx.client.update<PersistentVolume>(objectPath(R.persistentvolumes, undefined, name), volumeUnbound(vol, plan.unbind));
  for (const step of plan.phases) vol = await writeVolumePhase(vol, step, ctx);
  if (plan.volumeEvent) emit(ctx, vol, plan.volumeEvent);
  if (plan.claimEvent && claim) emit(ctx, claim, plan.claimEvent);
  if (plan.syncClaim && claim) ctx.requeueAfter(keyOf(claim), 0);
}

/**
 * The claim a bound volume's claimRef names, when it is that very claim (same UID). A cache that
 * lacks it or holds a namesake is checked against the API server before the volume is released,
 * as upstream does: a provisioner's brand-new claim may not have reached this cache yet.
 */
async function claimOfVolume(volume: PersistentVolume, ctx: ControllerContext): Promise<PersistentVolumeClaim | undefined> {
  const ref = volume.spec?.claimRef;
  if (!ref?.uid) return undefined;
  const cached = claims(ctx).get(claimKey(ref.namespace, ref.name));
  if (cached?.metadata.uid === ref.uid) return cached;
  const phase = volume.status?.phase;
  if (!cached && (phase === 'Released' || phase === 'Failed')) return undefined;
  const live = await ignoreNotFound(ctx.client.get<PersistentVolumeClaim>(objectPath(R.persistentvolumeclaims, ref.namespace, ref.name!)));
  return live?.metadata.uid === ref.uid ? live : undefined;
}

/** updateVolumePhase(WithEvent): nothing when the phase (and message) already are so. */
async function writeVolumePhase(volume: PersistentVolume, step: PhaseStep, ctx: ControllerContext): Promise<PersistentVolume> {
  const status = volume.status ?? {};
  const message = step.message ?? '';
  if (status.phase === step.phase && (step.event || (status.message ?? '') === message)) return volume;
  const next = structuredClone(volume);
  next.status = { ...status, phase: step.phase };
  if (message) next.status.message = message; else delete next.status.message;
  if (status.phase !== step.phase) next.status.lastPhaseTransitionTime = nowTimestamp();
  try {
    const written = await ctx.client.update<PersistentVolume>(objectPath(R.persistentvolumes, undefined, volume.metadata.name!, 'status'), next);
    if (step.event && status.phase !== step.phase) emit(ctx, written, step.event);
    return written;
  } catch (err) {
    // Deleted meanwhile: nothing left to move.
    if (isNotFound(err)) return volume;
    throw err;
  }
}

function emit(ctx: ControllerContext, obj: PersistentVolume | PersistentVolumeClaim, e: PlannedEvent): void {
  ctx.recorder.event(obj, e.type, e.reason, e.message);
}
