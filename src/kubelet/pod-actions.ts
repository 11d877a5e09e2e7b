// What a sync must do to a running pod, decided from its spec and the runtime's state alone, as
// upstream's computePodActions is separate from SyncPod: whether the sandbox is killed and
// created again, which old sandboxes go, which running containers are killed (failed probe,
// changed definition), and which containers are started, restarted or started again, with init
// containers one at a time and sidecars kept up. pod-sync.ts carries the actions out; crash
// backoff, image pulls and hooks happen there.
import type { Container } from '../api/types/generated.js';
import { containerHash } from './cri-config.js';
import { initProgress } from './init-progress.js';
import type { ProbeKind } from './prober/prober-manager.js';
import { latestByName, type ContainerRecord, type PodRuntimeState } from './runtime-state.js';
import { isSidecar, type PodObject } from './types.js';

export interface SandboxActions {
  /** The newest sandbox is there but not ready: everything of the pod is stopped first. */
  killPod: boolean;
  /** A sandbox is created, with attempt number `attempt`. */
  createSandbox: boolean;
  attempt: number;
}

/** Whether the pod's sandbox stays, is replaced, or (a Never pod that already ran) is only killed. */
export function sandboxActions(pod: PodObject, state: PodRuntimeState): SandboxActions {
  const sandbox = state.sandboxes[0];
  if (sandbox?.state === 'SANDBOX_READY') return { killPod: false, createSandbox: false, attempt: sandbox.attempt };
  // A Never pod whose containers already ran does not get a second sandbox: it is done.
  const done = !!sandbox && pod.spec.restartPolicy === 'Never' && state.containers.length > 0;
  return { killPod: !!sandbox, createSandbox: !done, attempt: sandbox ? sandbox.attempt + 1 : 0 };
}

/**
 * Sandboxes older than the newest are stopped, and removed once no container of theirs is left
 * (the dead instances kept for logs --previous hold theirs), as upstream's garbage collector does.
 */
export function oldSandboxActions(state: PodRuntimeState): { stop: string[]; remove: string[] } {
  const old = state.sandboxes.slice(1);
  return {
    stop: old.filter(s => s.state === 'SANDBOX_READY').map(s => s.id),
    remove: old.filter(s => !state.containers.some(c => c.sandboxId === s.id)).map(s => s.id),
  };
}

export interface ContainerKill {
  container: Container;
  record: ContainerRecord;
  /** The Killing event's message. */
  message: string;
  graceSeconds: number;
}

/** Running containers whose liveness or startup probe failed, or whose definition changed. */
export function containersToKill(pod: PodObject, state: PodRuntimeState, probeFailure: (id: string) => ProbeKind | undefined): ContainerKill[] {
  const kills: ContainerKill[] = [];
  for (const record of latestByName(state).values()) {
    if (record.state !== 'CONTAINER_RUNNING') continue;
    const container = containerByName(pod, record.name);
    if (!container) continue;
    const failed = probeFailure(record.id);
    const podGrace = pod.spec.terminationGracePeriodSeconds ?? 30;
    if (failed) {
      const probe = failed === 'liveness' ? container.livenessProbe : container.startupProbe;
      kills.push({ container, record, message: `Container ${container.name} failed ${failed} probe, will be restarted`, graceSeconds: probe?.terminationGracePeriodSeconds ?? podGrace });
    } else if (record.hash && record.hash !== containerHash(container)) {
      kills.push({ container, record, message: `Container ${container.name} definition changed, will be restarted`, graceSeconds: podGrace });
    }
  }
  return kills;
}

export type ContainerAction =
  /** Create and start a new instance with this restart count. */
  | { kind: 'start'; container: Container; attempt: number }
  /** Start a new instance after `record` exited, unless the crash backoff holds it. */
  | { kind: 'restart'; container: Container; record: ContainerRecord }
  /** Start `record` again: it was created but its start failed. */
  | { kind: 'startCreated'; container: Container; record: ContainerRecord };

/**
 * The containers to (re)start, in order: exited sidecars that are not the current init step,
 * then the current init step; app containers only once every init container is done.
 * `started` tells whether a container (by id) passed its startup probe.
 */
export function containerActions(pod: PodObject, state: PodRuntimeState, started: (id: string) => boolean): ContainerAction[] {
  const initializedBefore = pod.status?.conditions?.some(c => c.type === 'Initialized' && c.status === 'True') ?? false;
  const progress = initProgress(pod, state, started, initializedBefore);
  const latest = latestByName(state);
  const actions: ContainerAction[] = [];
  for (const container of pod.spec.initContainers ?? []) {
    if (!isSidecar(container) || container === progress.current) continue;
    const record = latest.get(container.name);
    // Sidecars that already came up before and died are restarted regardless of the pod's policy.
    if (record && record.state !== 'CONTAINER_RUNNING') actions.push({ kind: 'restart', container, record });
  }
  if (progress.current) {
    const container = progress.current;
    const record = progress.record;
    if (progress.rerun) {
      actions.push({ kind: 'start', container, attempt: record!.restartCount + 1 });
    } else if (progress.failed) {
      if ((pod.spec.restartPolicy ?? 'Always') !== 'Never') actions.push({ kind: 'restart', container, record: record! });
    } else if (!record) {
      actions.push({ kind: 'start', container, attempt: 0 });
    } else if (record.state === 'CONTAINER_EXITED' && isSidecar(container)) {
      actions.push({ kind: 'restart', container, record });
    } else if (record.state === 'CONTAINER_CREATED') {
      actions.push({ kind: 'startCreated', container, record });
    }
    if (!progress.done) return actions;
  }
  for (const container of pod.spec.containers) {
    const record = latest.get(container.name);
    if (!record) actions.push({ kind: 'start', container, attempt: restartCountFromStatus(pod, container.name) });
    else if (record.state === 'CONTAINER_CREATED') actions.push({ kind: 'startCreated', container, record });
    else if (record.state !== 'CONTAINER_RUNNING' && shouldRestart(pod, record)) actions.push({ kind: 'restart', container, record });
  }
  return actions;
}

export function containerByName(pod: PodObject, name: string): Container | undefined {
  return pod.spec.containers.find(c => c.name === name) ?? pod.spec.initContainers?.find(c => c.name === name);
}

function shouldRestart(pod: PodObject, rec: ContainerRecord): boolean {
  const policy = pod.spec.restartPolicy ?? 'Always';
  return policy === 'Always' || (policy === 'OnFailure' && rec.exitCode !== 0);
}

/** A container with no instance left keeps counting from the restart count last reported. */
function restartCountFromStatus(pod: PodObject, name: string): number {
  const s = pod.status?.containerStatuses?.find(s => s.name === name);
  return s?.lastState?.terminated || s?.state?.terminated ? s.restartCount + 1 : (s?.restartCount ?? 0);
}
