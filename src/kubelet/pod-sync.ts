// One pass of a pod's worker, level-triggered as upstream's SyncPod: read what the runtime holds,
// make it match the spec (sandbox, volumes, init containers and sidecars in order, app containers,
// restarts with CrashLoopBackOff, probe-driven kills), then report the status computed from
// scratch. Deleted pods are killed within their grace period and removed from the API; pods whose
// object is gone have everything of theirs removed from the node.
import { isConflict, isNotFound } from '../api/errors.js';
import { podQos } from '../api/pod-qos.js';
import type { Container, PodStatus, Service } from '../api/types/generated.js';
import type { RestClient } from '../client/rest-client.js';
import { objectPath, R } from '../client/resources.js';
import type { EventRecorder, EventType } from '../client/event-recorder.js';
import { admit, type Rejection } from './admission.js';
import { Backoff, goDuration } from './backoff.js';
import { containerConfig, sandboxConfig, type DnsSettings } from './cri-config.js';
import { isCriNotFound, type RuntimeClient } from './cri/client.js';
import { DownwardApiError, type NodeFacts } from './downward-api.js';
import { containerEnv, ContainerConfigError, expandCommand } from './env.js';
import { envLookup } from './expand.js';
import { HookError, runHook } from './hooks.js';
import { ImageError, type ImageManager } from './images.js';
import { newTerminationMessageFile } from './termination-message.js';
import * as L from './labels.js';
import { CachedObjectSource, type ObjectSource } from './object-source.js';
import { containerActions, containerByName, containersToKill, oldSandboxActions, sandboxActions } from './pod-actions.js';
import type { Waiting } from './container-statuses.js';
import { computePodStatus, type StatusInputs } from './pod-status.js';
import { statusChanged } from './pod-status-diff.js';
import type { ProberManager } from './prober/prober-manager.js';
import { latestByName, readPodState, type ContainerRecord, type PodRuntimeState } from './runtime-state.js';
import { podDescription, type PodObject } from './types.js';
import { containerDevices, containerMounts, type PodVolume, type PodVolumes } from './volumes/pod-volumes.js';
import { VolumeSetupError } from './volumes/projections.js';
import { ensureSharedMount } from './volumes/shared-mount.js';
import type { TokenSource } from './token/token-manager.js';
import type { ContainerType, KubeletMetrics } from './kubelet-metrics.js';
import { errorMessage } from '../util/error-message.js';
import { CgroupError } from '../util/cgroups.js';
import type { PodCgroupManager } from './cm/pod-cgroup-manager.js';

/** Upstream never gives a container less than this to stop, even when the grace period is spent. */
const MIN_GRACE_SECONDS = 2;

export interface SyncDeps {
  client: RestClient;
  runtime: RuntimeClient;
  images: ImageManager;
  objects: ObjectSource;
  tokens: TokenSource;
  volumes: PodVolumes;
  prober: ProberManager;
  recorder: EventRecorder;
  rootDir: string;
  dns?: DnsSettings;
  /** The pods' cgroups: each pod's is made before its sandbox, whose cgroup parent it is. */
  cgroups: PodCgroupManager;
  node(): NodeFacts & { memoryBytes: number; labels?: Record<string, string> };
  /** The pods bound to this node, as the informer has them. */
  pods(): PodObject[];
  services(): Service[];
  /** Pods and containers started (kubelet_started_*); absent: not counted. */
  metrics?: Pick<KubeletMetrics, 'podStarting' | 'podStartFailed' | 'containerStarting' | 'containerStartFailed'>;
}

/** What a sync asks of its caller: when to look at the pod again. */
export interface SyncResult {
  /** Sync again after this long (a backoff ending); undefined: the periodic resync is enough. */
  retryAfterMs?: number;
}

export class PodSyncer {
  private readonly crashBackoff = new Backoff(10_000, 300_000);
  /** Why containers are not running, per pod uid, as the last sync found. */
  private readonly waiting = new Map<string, Map<string, Waiting>>();
  /** Pods admitted to the node (uids); the others are checked against what these use. */
  private readonly admitted = new Set<string>();
  /** The status last written per pod uid, and the resourceVersion the write produced. */
  private readonly written = new Map<string, { status: PodStatus; resourceVersion: number }>();

  constructor(private readonly d: SyncDeps) {}

  /** Syncs a pod that exists in the API. */
  async sync(pod: PodObject): Promise<SyncResult> {
    const uid = pod.metadata.uid!;
    let state = await readPodState(this.d.runtime, uid);
    if (pod.metadata.deletionTimestamp) {
      await this.terminate(pod, state, pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30);
      state = await readPodState(this.d.runtime, uid);
      await this.writeStatus(pod, state, finalPhase(pod, state));
      await this.deleteFromApi(pod);
      return {};
    }
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      // Finished pods run nothing; their last status stands.
      await this.stopAll(pod, state, pod.spec.terminationGracePeriodSeconds ?? 30);
      this.d.prober.removePod(uid);
      // Nothing of it runs any more: its cgroup goes, as upstream's cleanup of terminated pods' cgroups.
      if (await this.d.cgroups.removePod(uid)) this.d.cgroups.updateQos(this.d.pods());
      return {};
    }

    if (!this.admitted.has(uid)) {
      const rejection = this.admission(pod, state);
      if (rejection) {
        // As upstream's rejectPod: only the phase, reason and message; no container ever ran.
        this.event(pod, 'Warning', rejection.reason, rejection.message);
        const status = { phase: 'Failed', reason: rejection.reason, message: `Pod was rejected: ${rejection.message}`, qosClass: podQos(pod) };
        await this.ignoreGone(this.d.client.patch(objectPath(R.pods, pod.metadata.namespace, pod.metadata.name!, 'status'), { metadata: { uid }, status }, 'merge'));
        return {};
      }
      this.admitted.add(uid);
    }

    const deadline = activeDeadline(pod);
    if (deadline !== undefined && Date.now() >= deadline) {
      // activeDeadlineSeconds passed: the pod fails and everything in it is stopped, as upstream.
      const message = 'Pod was active on the node longer than the specified deadline';
      this.event(pod, 'Warning', 'DeadlineExceeded', message);
      await this.stopAll(pod, state, pod.spec.terminationGracePeriodSeconds ?? 30);
      this.d.prober.removePod(uid);
      await this.writeStatus(pod, await readPodState(this.d.runtime, uid), 'Failed', true, { reason: 'DeadlineExceeded', message });
      return {};
    }

    const objects = new CachedObjectSource(this.d.objects);
    const waiting = new Map<string, Waiting>();
    this.waiting.set(uid, waiting);
    const result: SyncResult = {};
    try {
      state = await this.reconcile(pod, state, objects, waiting, result);
    } finally {
      const phase = (await this.writeStatus(pod, state, undefined, false)).phase;
      if (phase === 'Succeeded' || phase === 'Failed') {
        // The pod has finished: stop what still runs (sidecars) and the sandbox, then report the
        // final status with every container terminated.
        await this.stopAll(pod, await readPodState(this.d.runtime, uid), pod.spec.terminationGracePeriodSeconds ?? 30);
        this.d.prober.removePod(uid);
        await this.writeStatus(pod, await readPodState(this.d.runtime, uid), phase);
      } else {
        await this.writeStatus(pod, state);
      }
    }
    if (deadline !== undefined) result.retryAfterMs = Math.min(result.retryAfterMs ?? Infinity, deadline - Date.now() + 10);
    return result;
  }

  /**
   * Admission for a pod not yet admitted. A pod the runtime already runs something of, or that
   * already has container statuses, was admitted before (by us, before a restart).
   */
  private admission(pod: PodObject, state: PodRuntimeState): Rejection | undefined {
    if (state.sandboxes.length || state.containers.length || pod.status?.containerStatuses?.length) return undefined;
    const others = this.d.pods().filter(p => this.admitted.has(p.metadata.uid!) && p.metadata.uid !== pod.metadata.uid
      && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    const node = this.d.node();
    return admit(pod, others, { allocatable: node.allocatable, labels: node.labels });
  }

  /** Removes everything of a pod whose API object is gone (deleted, or never seen by us). */
  async cleanup(uid: string): Promise<void> {
    this.d.prober.removePod(uid);
    const state = await readPodState(this.d.runtime, uid);
    await Promise.all(state.containers.filter(c => c.state === 'CONTAINER_RUNNING').map(c =>
      this.stopContainer(c.id, Number(c.annotations[L.TERMINATION_GRACE] ?? 30))));
    for (const c of state.containers) await ignoreNotFound(this.d.runtime.removeContainer(c.id));
    for (const s of state.sandboxes) {
      await ignoreNotFound(this.d.runtime.stopPodSandbox(s.id));
      await ignoreNotFound(this.d.runtime.removePodSandbox(s.id));
    }
    await this.d.volumes.tearDown(uid);
    // Its sandbox and containers are gone: so goes its cgroup (with anything still running in it).
    if (await this.d.cgroups.removePod(uid)) this.d.cgroups.updateQos(this.d.pods());
    this.d.tokens.forgetPod(uid);
    this.waiting.delete(uid);
    this.written.delete(uid);
    this.admitted.delete(uid);
    this.crashBackoff.gc();
  }

  // ---- the running pod ----

  private async reconcile(pod: PodObject, state: PodRuntimeState, objects: ObjectSource, waiting: Map<string, Waiting>, result: SyncResult): Promise<PodRuntimeState> {
    const uid = pod.metadata.uid!;
    const node = this.d.node();

    // The pod's cgroup comes first (upstream makes it before the data dirs and volumes).
    if (!this.ensurePodCgroup(pod)) {
      result.retryAfterMs = 2000;
      return state;
    }

    // Volumes come next (upstream waits for them before the sandbox) and are refreshed every sync.
    let volumes: Map<string, PodVolume>;
    try {
      volumes = await this.d.volumes.setUp({ pod, node, podIPs: state.sandboxes[0]?.ips ?? [], objects, tokens: this.d.tokens });
    } catch (err) {
      if (!(err instanceof VolumeSetupError)) throw err;
      this.event(pod, 'Warning', 'FailedMount', err.message);
      result.retryAfterMs = 2000;
      return state;
    }

    const sandboxPlan = sandboxActions(pod, state);
    if (sandboxPlan.killPod) {
      this.event(pod, 'Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
      await this.stopAll(pod, state, pod.spec.terminationGracePeriodSeconds ?? 30);
    }
    if (sandboxPlan.killPod && !sandboxPlan.createSandbox) return state;
    if (sandboxPlan.createSandbox) {
      this.d.metrics?.podStarting();
      try {
        const config = sandboxConfig(pod, sandboxPlan.attempt, this.d.rootDir, this.d.dns, this.d.cgroups.parentOf(pod));
        await this.d.runtime.runPodSandbox(config);
      } catch (err) {
        this.d.metrics?.podStartFailed();
        this.event(pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${errorMessage(err)}`);
        result.retryAfterMs = 2000;
        return state;
      }
      state = await readPodState(this.d.runtime, uid);
    }
    const sandbox = state.sandboxes[0];
    if (!sandbox) return state;
    const oldSandboxes = oldSandboxActions(state);
    for (const id of oldSandboxes.stop) await ignoreNotFound(this.d.runtime.stopPodSandbox(id));
    for (const id of oldSandboxes.remove) await ignoreNotFound(this.d.runtime.removePodSandbox(id));

    const podIPs = pod.spec.hostNetwork ? node.hostIPs : sandbox.ips;
    const hostsFile = pod.spec.hostNetwork ? undefined : this.d.volumes.writeHosts(pod, podIPs);
    const env: StartEnv = { node, podIPs, objects, volumes, hostsFile, sandboxAttempt: sandbox.attempt, sandboxId: sandbox.id, state };

    this.syncProbes(pod, state, podIPs[0] ?? '');
    let changed = false;
    for (const kill of containersToKill(pod, state, id => this.d.prober.failure(id))) {
      this.event(pod, 'Normal', 'Killing', kill.message);
      await this.killContainer(pod, kill.container, kill.record, kill.graceSeconds);
      changed = true;
    }
    if (changed) env.state = state = await readPodState(this.d.runtime, uid);

    const started = (id: string) => this.startup(pod, state, id);
    for (const action of containerActions(pod, state, started)) {
      const c = action.container;
      const did = action.kind === 'start' ? await this.start(pod, c, action.attempt, waiting, env)
        : action.kind === 'restart' ? await this.restart(pod, c, action.record, waiting, result, env)
        : await this.startCreated(pod, c, action.record, waiting);
      changed = did || changed;
    }
    return changed ? readPodState(this.d.runtime, uid) : state;
  }

  /**
   * Makes the pod's cgroup if it is missing, and then the Burstable class's shares count its
   * requests. False (with upstream's event) when the cgroup cannot be made.
   */
  private ensurePodCgroup(pod: PodObject): boolean {
    try {
      if (this.d.cgroups.ensurePod(pod)) this.d.cgroups.updateQos(this.d.pods());
      return true;
    } catch (err) {
      if (!(err instanceof CgroupError)) throw err;
      this.event(pod, 'Warning', 'FailedCreatePodContainer', `unable to ensure pod container exists: ${err.message}`);
      return false;
    }
  }

  private syncProbes(pod: PodObject, state: PodRuntimeState, podIP: string): void {
    const running = [...latestByName(state).values()].filter(r => r.state === 'CONTAINER_RUNNING').flatMap(r => {
      const c = containerByName(pod, r.name);
      return c ? [{ pod, container: c, id: r.id, startedAt: r.startedAt || r.createdAt, podIP }] : [];
    });
    this.d.prober.syncPod(pod.metadata.uid!, running);
  }

  /** Restarts an exited container unless it is backing off (CrashLoopBackOff). */
  private async restart(pod: PodObject, c: Container, rec: ContainerRecord, waiting: Map<string, Waiting>, result: SyncResult, env: StartEnv): Promise<boolean> {
    const key = `${pod.metadata.uid}/${c.name}`;
    const finished = rec.finishedAt || rec.createdAt;
    // A container that ran long enough (10 minutes) starts its backoff over, as upstream.
    if (rec.startedAt && finished - rec.startedAt > 600_000) this.crashBackoff.reset(key);
    if (this.crashBackoff.inBackoffSince(key, finished)) {
      const delay = goDuration(this.crashBackoff.get(key));
      waiting.set(c.name, { reason: 'CrashLoopBackOff', message: `back-off ${delay} restarting failed container=${c.name} pod=${podDescription(pod)}` });
      this.event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${podDescription(pod)}`);
      const remaining = this.crashBackoff.remaining(key, finished);
      result.retryAfterMs = Math.min(result.retryAfterMs ?? Infinity, remaining + 50);
      return false;
    }
    this.crashBackoff.next(key, finished);
    return this.start(pod, c, rec.restartCount + 1, waiting, env);
  }

  /** Pulls, creates and starts one container (attempt = its restart count), then runs postStart. */
  private async start(pod: PodObject, c: Container, attempt: number, waiting: Map<string, Waiting>, env: StartEnv): Promise<boolean> {
    const type = containerType(pod, c);
    this.d.metrics?.containerStarting(type);
    let imageRef: string;
    try {
      imageRef = await this.d.images.ensure(pod, c, (type, reason, message) => this.event(pod, type, reason, message));
    } catch (err) {
      if (!(err instanceof ImageError)) throw err;
      this.d.metrics?.containerStartFailed(type, err.reason);
      waiting.set(c.name, { reason: err.reason, message: err.message });
      if (err.reason === 'ErrImagePull' || err.reason === 'ImagePullBackOff') this.event(pod, 'Warning', 'Failed', `Error: ${err.reason}`);
      return false;
    }
    let id: string;
    try {
      const { env: vars, warnings } = await containerEnv({ pod, container: c, node: env.node, podIPs: env.podIPs, objects: env.objects, services: this.d.services() });
      for (const w of warnings) this.event(pod, 'Warning', 'InvalidEnvironmentVariableNames', w);
      const { command, args } = expandCommand(c, vars);
      const mounts = containerMounts(c, env.volumes, env.hostsFile, envLookup(vars));
      if (mounts.some(m => m.propagation === 'Bidirectional' || m.propagation === 'HostToContainer')) await ensureSharedMount(this.d.rootDir);
      const messagePath = c.terminationMessagePath ?? '/dev/termination-log';
      if (messagePath && !mounts.some(m => m.containerPath === messagePath)) {
        mounts.push({ containerPath: messagePath, hostPath: newTerminationMessageFile(this.d.rootDir, pod.metadata.uid!, c.name), readonly: false });
      }
      const node = this.d.node();
      const devices = containerDevices(c, env.volumes);
      const config = containerConfig(pod, c, { image: imageRef, command, args, env: vars, mounts, devices, attempt, nodeMemory: node.memoryBytes, qosClass: podQos(pod) });
      const sandbox = sandboxConfig(pod, env.sandboxAttempt, this.d.rootDir, this.d.dns, this.d.cgroups.parentOf(pod));
      id = await this.d.runtime.createContainer(env.sandboxId, config, sandbox);
    } catch (err) {
      const reason = err instanceof ContainerConfigError || err instanceof VolumeSetupError || err instanceof DownwardApiError ? 'CreateContainerConfigError' : 'CreateContainerError';
      this.d.metrics?.containerStartFailed(type, reason);
      waiting.set(c.name, { reason, message: errorMessage(err) });
      this.event(pod, 'Warning', 'Failed', `Error: ${errorMessage(err)}`);
      return false;
    }
    this.event(pod, 'Normal', 'Created', `Created container ${c.name}`);
    try {
      await this.d.runtime.startContainer(id);
    } catch (err) {
      this.d.metrics?.containerStartFailed(type, 'RunContainerError');
      waiting.set(c.name, { reason: 'RunContainerError', message: errorMessage(err) });
      this.event(pod, 'Warning', 'Failed', `Error: ${errorMessage(err)}`);
      return true;
    }
    this.event(pod, 'Normal', 'Started', `Started container ${c.name}`);
    await this.removeOldInstances(env.state, c.name);
    if (c.lifecycle?.postStart) {
      try {
        await runHook(c.lifecycle.postStart, c, id, env.podIPs[0] ?? '', this.d.runtime, pod.spec.terminationGracePeriodSeconds ?? 30);
      } catch (err) {
        this.d.metrics?.containerStartFailed(type, 'PostStartHookError');
        const msg = errorMessage(err);
        this.event(pod, 'Warning', 'FailedPostStartHook', msg);
        this.event(pod, 'Normal', 'Killing', `FailedPostStartHook`);
        await this.stopContainer(id, pod.spec.terminationGracePeriodSeconds ?? 30);
        if (!(err instanceof HookError)) throw err;
      }
    }
    return true;
  }

  /** A container created but never started (a start that failed): start it again. */
  private async startCreated(pod: PodObject, c: Container, rec: ContainerRecord, waiting: Map<string, Waiting>): Promise<boolean> {
    try {
      await this.d.runtime.startContainer(rec.id);
      this.event(pod, 'Normal', 'Started', `Started container ${c.name}`);
      return true;
    } catch (err) {
      waiting.set(c.name, { reason: 'RunContainerError', message: errorMessage(err) });
      this.event(pod, 'Warning', 'Failed', `Error: ${errorMessage(err)}`);
      await ignoreNotFound(this.d.runtime.removeContainer(rec.id));
      return true;
    }
  }

  /**
   * After a new instance of a container started: of the instances the sync began with, the newest
   * dead one is kept (for logs --previous), older ones are removed.
   */
  private async removeOldInstances(before: PodRuntimeState, name: string): Promise<void> {
    const dead = before.containers.filter(c => c.name === name && c.state !== 'CONTAINER_RUNNING');
    for (const c of dead.slice(1)) await ignoreNotFound(this.d.runtime.removeContainer(c.id));
  }

  // ---- stopping ----

  /** Kills every container (apps first, then sidecars and init containers) and stops the sandbox. */
  private async stopAll(pod: PodObject, state: PodRuntimeState, graceSeconds: number): Promise<void> {
    const running = state.containers.filter(c => c.state === 'CONTAINER_RUNNING' || c.state === 'CONTAINER_CREATED');
    const isApp = (r: ContainerRecord) => pod.spec.containers.some(c => c.name === r.name);
    const deadline = Date.now() + graceSeconds * 1000;
    for (const group of [running.filter(isApp), running.filter(r => !isApp(r))]) {
      await Promise.all(group.map(r => {
        const c = containerByName(pod, r.name);
        this.event(pod, 'Normal', 'Killing', `Stopping container ${r.name}`);
        const left = Math.max(MIN_GRACE_SECONDS, Math.ceil((deadline - Date.now()) / 1000));
        return c ? this.killContainer(pod, c, r, left) : this.stopContainer(r.id, left);
      }));
    }
    for (const s of state.sandboxes) if (s.state === 'SANDBOX_READY') await ignoreNotFound(this.d.runtime.stopPodSandbox(s.id));
  }

  private async terminate(pod: PodObject, state: PodRuntimeState, graceSeconds: number): Promise<void> {
    this.d.prober.removePod(pod.metadata.uid!);
    await this.stopAll(pod, state, graceSeconds);
  }

  /** preStop within the grace period, then StopContainer with what is left of it. */
  private async killContainer(pod: PodObject, c: Container, rec: ContainerRecord, graceSeconds: number): Promise<void> {
    const start = Date.now();
    if (c.lifecycle?.preStop && rec.state === 'CONTAINER_RUNNING') {
      const podIP = (await readPodState(this.d.runtime, pod.metadata.uid!)).sandboxes[0]?.ips[0] ?? '';
      try {
        await withTimeout(runHook(c.lifecycle.preStop, c, rec.id, podIP, this.d.runtime, graceSeconds), graceSeconds * 1000);
      } catch (err) {
        this.event(pod, 'Warning', 'FailedPreStopHook', errorMessage(err));
      }
    }
    const left = Math.max(MIN_GRACE_SECONDS, graceSeconds - Math.floor((Date.now() - start) / 1000));
    await this.stopContainer(rec.id, left);
  }

  private async stopContainer(id: string, graceSeconds: number): Promise<void> {
    await ignoreNotFound(this.d.runtime.stopContainer(id, graceSeconds));
  }

  // ---- API writes ----

  /** Computes the status and, unless `write` is false, writes it when it changed. */
  private async writeStatus(pod: PodObject, state: PodRuntimeState, terminal?: 'Succeeded' | 'Failed', write = true, reason?: StatusInputs['reason']): Promise<PodStatus> {
    const uid = pod.metadata.uid!;
    const status = computePodStatus({
      pod, state, hostIPs: this.d.node().hostIPs, terminal, reason,
      ready: id => this.readiness(pod, state, id),
      started: id => this.startup(pod, state, id),
      waiting: this.waiting.get(uid) ?? new Map(),
    });
    // Compared with the API's copy once the informer has seen our last write (someone else may
    // have changed the status since, e.g. the node lifecycle controller), else with what we wrote.
    const mine = this.written.get(uid);
    const before = mine && Number(pod.metadata.resourceVersion) < mine.resourceVersion ? mine.status : pod.status;
    if (!write || !statusChanged(before, status)) return status;
    try {
      const updated = await this.d.client.patch<PodObject>(objectPath(R.pods, pod.metadata.namespace, pod.metadata.name!, 'status'), { metadata: { uid }, status }, 'merge');
      this.written.set(uid, { status, resourceVersion: Number(updated.metadata.resourceVersion) });
    } catch (err) {
      if (isNotFound(err) || isConflict(err)) return status;
      throw err;
    }
    return status;
  }

  private readiness(pod: PodObject, state: PodRuntimeState, id: string): boolean {
    const rec = state.containers.find(c => c.id === id);
    const c = rec && containerByName(pod, rec.name);
    return !!c && this.d.prober.ready(c, id);
  }

  private startup(pod: PodObject, state: PodRuntimeState, id: string): boolean {
    const rec = state.containers.find(c => c.id === id);
    const c = rec && containerByName(pod, rec.name);
    return !!c && this.d.prober.started(c, id);
  }

  /** The final delete: grace 0 and the uid as precondition, so a namesake pod is never removed. */
  private deleteFromApi(pod: PodObject): Promise<void> {
    return this.ignoreGone(this.d.client.delete(objectPath(R.pods, pod.metadata.namespace, pod.metadata.name!),
      { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } }));
  }

  /** A write about a pod that is gone or was replaced by a namesake (uid precondition) is moot. */
  private async ignoreGone(p: Promise<unknown>): Promise<void> {
    try {
      await p;
    } catch (err) {
      if (isNotFound(err) || isConflict(err)) return;
      throw err;
    }
  }

  private event(pod: PodObject, type: EventType, reason: string, message: string): void {
    this.d.recorder.event({ ...pod, apiVersion: 'v1', kind: 'Pod' }, type, reason, message);
  }
}

interface StartEnv {
  node: NodeFacts;
  podIPs: string[];
  objects: ObjectSource;
  volumes: Map<string, PodVolume>;
  hostsFile: string | undefined;
  sandboxAttempt: number;
  sandboxId: string;
  /** The runtime's state of the pod this sync works from. */
  state: PodRuntimeState;
}

/** The container_type label of upstream's started-containers series. */
function containerType(pod: PodObject, c: Container): ContainerType {
  if (pod.spec.initContainers?.some(i => i.name === c.name)) return 'init_container';
  return pod.spec.ephemeralContainers?.some(e => e.name === c.name) ? 'ephemeral_container' : 'container';
}

/** When the pod's activeDeadlineSeconds runs out, counted from its startTime (epoch ms). */
function activeDeadline(pod: PodObject): number | undefined {
  const seconds = pod.spec.activeDeadlineSeconds;
  const start = Date.parse(pod.status?.startTime ?? '');
  return seconds === undefined || Number.isNaN(start) ? undefined : start + seconds * 1000;
}

/** A deleted pod ends Succeeded only when every app container exited 0, else Failed (as upstream). */
function finalPhase(pod: PodObject, state: PodRuntimeState): 'Succeeded' | 'Failed' {
  const latest = latestByName(state);
  return pod.spec.containers.every(c => {
    const r = latest.get(c.name);
    return r?.state === 'CONTAINER_EXITED' && r.exitCode === 0;
  }) ? 'Succeeded' : 'Failed';
}

async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!isCriNotFound(err)) throw err;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new HookError(`hook did not finish within ${Math.round(ms / 1000)}s`)), ms);
    p.then(v => { clearTimeout(t); resolve(v); }, e => { clearTimeout(t); reject(e); });
  });
}
