// The built-in local-path provisioner (k3s's rancher.io/local-path), one per agent: it watches
// claims, PVs and StorageClasses and carries out plan.ts's decisions for its own node — a directory
// and a PV for each claim the scheduler placed here, the directory's removal when a Released PV's
// reclaim policy is Delete, and expansion of its volumes. Every key is reconciled from the current
// objects, so a restart (or a missed event) only means re-listing. Failures become Events on the
// claim (ProvisioningFailed, VolumeResizeFailed) or the PV (VolumeFailedDelete) and are retried
// with backoff; they never stop the agent.
import { chmodSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { isNotFound } from '../api/errors.js';
import { ignoreAlreadyExists } from '../client/api-errors.js';
import { nowTimestamp } from '../api/object.js';
import { claimClass } from '../api/storage-class.js';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../api/volume-binding.js';
import type { EventRecorder } from '../client/event-recorder.js';
import type { Informer } from '../client/informer.js';
import type { RestClient } from '../client/rest-client.js';
import { collectionPath, objectPath, R } from '../client/resources.js';
import { HandlerRegistrations, type SharedInformers } from '../client/shared-informers.js';
import { WorkQueue } from '../client/work-queue.js';
import type { KubeObject } from '../api/object.js';
import type { Logger } from '../util/log.js';
import { LOCAL_PATH_PROVISIONER } from '../api/local-path-class.js';
import { planDelete, planProvision, planResize } from './plan.js';
import { errorMessage } from '../util/error-message.js';

export interface LocalPathOptions {
  client: RestClient;
  informers: SharedInformers;
  nodeName: string;
  /** `<data-dir>/storage`: one directory per volume. */
  storageDir: string;
  recorder: EventRecorder;
  log: Logger;
  workers?: number;
}

export class LocalPathProvisioner {
  private readonly claims: Informer<PersistentVolumeClaim>;
  private readonly pvs: Informer<PersistentVolume>;
  private readonly classes: Informer<StorageClass>;
  private readonly handlers = new HandlerRegistrations();
  private readonly queue = new WorkQueue<string>({ baseDelayMs: 1000, maxDelayMs: 60_000 });
  private readonly workers: Promise<void>[] = [];

  constructor(private readonly o: LocalPathOptions) {
    this.claims = o.informers.get<PersistentVolumeClaim>(R.persistentvolumeclaims);
    this.pvs = o.informers.get<PersistentVolume>(R.persistentvolumes);
    this.classes = o.informers.get<StorageClass>(R.storageclasses);
  }

  async start(): Promise<void> {
    const claim = (c: PersistentVolumeClaim) => this.queue.add(`claim/${c.metadata.namespace}/${c.metadata.name}`);
    const pv = (v: PersistentVolume) => {
      this.queue.add(`pv/${v.metadata.name}`);
      const ref = v.spec?.claimRef;
      if (ref?.name) this.queue.add(`claim/${ref.namespace}/${ref.name}`);
    };
    this.handlers.add(this.claims, { add: claim, update: (_, c) => claim(c) });
    this.handlers.add(this.pvs, { add: pv, update: (_, v) => pv(v) });
    // A class created after its claims: they can be provisioned now.
    this.handlers.add(this.classes, { add: () => { for (const c of this.claims.list()) claim(c); } });
    await Promise.all([this.claims.waitForSync(), this.pvs.waitForSync(), this.classes.waitForSync()]);
    for (let i = 0; i < (this.o.workers ?? 4); i++) this.workers.push(this.work());
  }

  async stop(): Promise<void> {
    this.handlers.removeAll();
    this.queue.shutdown();
    await Promise.all(this.workers);
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        const [kind, ...rest] = key.split('/');
        if (kind === 'claim') await this.syncClaim(rest[0], rest[1]);
        else await this.syncVolume(rest[0]);
        this.queue.forget(key);
      } catch (err) {
        this.o.log('local-path: sync failed, retrying', { key, error: errorMessage(err) });
        this.queue.addRateLimited(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  private async syncClaim(namespace: string, name: string): Promise<void> {
    const claim = this.claims.get(`${namespace}/${name}`);
    if (!claim) return;
    const sc = this.classes.get(claimClass(claim));
    const decision = planProvision(claim, sc, this.o.nodeName, this.o.storageDir);
    if (decision.kind === 'fail') {
      this.claimEvent(claim, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${claimClass(claim)}": ${decision.message}`);
      return;
    }
    if (decision.kind === 'provision') {
      if (this.pvs.get(decision.pv.metadata!.name!)) return;
      this.claimEvent(claim, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${namespace}/${name}"`);
      try {
        makeVolumeDir(decision.dir);
        await ignoreAlreadyExists(this.o.client.create(collectionPath(R.persistentvolumes), decision.pv));
      } catch (err) {
        this.claimEvent(claim, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${claimClass(claim)}": ${errorMessage(err)}`);
        throw err;
      }
      this.claimEvent(claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${decision.pv.metadata!.name}`);
      this.o.log('local-path: provisioned', { claim: `${namespace}/${name}`, pv: decision.pv.metadata!.name, dir: decision.dir });
      return;
    }
    const pv = claim.spec?.volumeName ? this.pvs.get(claim.spec.volumeName) : undefined;
    const resize = planResize(claim, pv, this.o.nodeName);
    if (resize.kind === 'resize') await this.resize(claim, pv!, resize.size, resize.pvNeedsUpdate);
  }

  /**
   * Expansion as upstream's external resizer reports it (a directory needs no file system resize):
   * the claim's allocatedResources and Resizing condition, the PV's new capacity, then the claim's
   * capacity with the resize state cleared.
   */
  private async resize(claim: PersistentVolumeClaim, pv: PersistentVolume, size: string, pvNeedsUpdate: boolean): Promise<void> {
    const path = objectPath(R.persistentvolumeclaims, claim.metadata!.namespace, claim.metadata!.name!, 'status');
    const others = (claim.status?.conditions ?? []).filter(c => c.type !== 'Resizing' && c.type !== 'FileSystemResizePending');
    try {
      if (pvNeedsUpdate) {
        this.claimEvent(claim, 'Normal', 'Resizing', `External resizer is resizing volume ${pv.metadata!.name}`);
        await this.o.client.patch(path, { status: {
          allocatedResources: { storage: size }, allocatedResourceStatuses: { storage: 'ControllerResizeInProgress' },
          conditions: [...others, { type: 'Resizing', status: 'True', lastProbeTime: null, lastTransitionTime: nowTimestamp() }],
        } }, 'merge');
        await this.o.client.patch(objectPath(R.persistentvolumes, undefined, pv.metadata!.name!), {
          metadata: { resourceVersion: pv.metadata!.resourceVersion }, spec: { capacity: { storage: size } },
        }, 'merge');
      }
      await this.o.client.patch(path, { status: {
        capacity: { storage: size }, allocatedResources: { storage: size }, allocatedResourceStatuses: null, conditions: others,
      } }, 'merge');
    } catch (err) {
      if (isNotFound(err)) return;
      this.claimEvent(claim, 'Warning', 'VolumeResizeFailed', `resize volume "${pv.metadata!.name}" by resizer "${LOCAL_PATH_PROVISIONER}" failed: ${errorMessage(err)}`);
      throw err;
    }
    this.claimEvent(claim, 'Normal', 'VolumeResizeSuccessful', 'Resize volume succeeded');
  }

  private async syncVolume(name: string): Promise<void> {
    const pv = this.pvs.get(name);
    if (!pv) return;
    const decision = planDelete(pv, this.o.nodeName, this.o.storageDir);
    if (decision.kind === 'none') return;
    const ref = { ...pv, apiVersion: 'v1', kind: 'PersistentVolume' } as unknown as KubeObject;
    if (decision.kind === 'fail') {
      this.o.recorder.event(ref, 'Warning', 'VolumeFailedDelete', decision.message);
      return;
    }
    try {
      rmSync(decision.dir, { recursive: true, force: true });
      await this.o.client.delete(objectPath(R.persistentvolumes, undefined, name), { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: pv.metadata!.uid } });
    } catch (err) {
      if (isNotFound(err)) return;
      this.o.recorder.event(ref, 'Warning', 'VolumeFailedDelete', errorMessage(err));
      throw err;
    }
    this.o.log('local-path: deleted', { pv: name, dir: decision.dir });
  }

  private claimEvent(claim: PersistentVolumeClaim, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.o.recorder.event({ ...claim, apiVersion: 'v1', kind: 'PersistentVolumeClaim' } as unknown as KubeObject, type, reason, message);
  }
}

/** The volume's directory, world-writable as k3s makes it (any container user may write). */
function makeVolumeDir(dir: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new Error(`${dir} exists and is not a directory`);
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o777);
}
