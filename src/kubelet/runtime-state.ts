// What the container runtime holds for a pod, read from CRI by the pod's uid label and normalised
// (milliseconds, names, restart counts from annotations), as upstream's kubecontainer.PodStatus.
// Sandboxes and containers are newest first.
import { isCriNotFound, type RuntimeClient } from './cri/client.js';
import type { ContainerState, PodSandboxState } from './cri/types.js';
import * as L from './labels.js';
import { terminationMessage } from './termination-message.js';

export interface SandboxState {
  id: string;
  attempt: number;
  state: PodSandboxState;
  createdAt: number;
  ips: string[];
}

export interface ContainerRecord {
  id: string;
  sandboxId: string;
  name: string;
  attempt: number;
  restartCount: number;
  hash: string;
  state: ContainerState;
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  reason: string;
  message: string;
  image: string;
  imageRef: string;
  logPath: string;
  annotations: Record<string, string>;
}

export interface PodRuntimeState {
  uid: string;
  sandboxes: SandboxState[];
  containers: ContainerRecord[];
}

const ms = (ns: number) => Math.floor(ns / 1e6);

export async function readPodState(runtime: RuntimeClient, uid: string): Promise<PodRuntimeState> {
  const selector = { labelSelector: { [L.POD_UID]: uid } };
  const [sandboxList, containerList] = await Promise.all([runtime.listPodSandbox(selector), runtime.listContainers(selector)]);
  const sandboxes: SandboxState[] = [];
  for (const s of sandboxList) {
    let ips: string[] = [];
    if (s.state === 'SANDBOX_READY') {
      try {
        const st = await runtime.podSandboxStatus(s.id);
        if (st.network?.ip) ips = [st.network.ip, ...st.network.additionalIps.map(a => a.ip)];
      } catch (err) {
        if (!isCriNotFound(err)) throw err;
      }
    }
    sandboxes.push({ id: s.id, attempt: s.metadata?.attempt ?? 0, state: s.state, createdAt: ms(s.createdAt), ips });
  }
  const containers: ContainerRecord[] = [];
  for (const c of containerList) {
    try {
      const st = await runtime.containerStatus(c.id);
      containers.push({
        id: c.id, sandboxId: c.podSandboxId, name: c.labels[L.CONTAINER_NAME] ?? c.metadata?.name ?? '',
        attempt: c.metadata?.attempt ?? 0,
        restartCount: Number(st.annotations[L.RESTART_COUNT] ?? c.metadata?.attempt ?? 0),
        hash: st.annotations[L.CONTAINER_HASH] ?? '',
        state: st.state, createdAt: ms(st.createdAt), startedAt: ms(st.startedAt), finishedAt: ms(st.finishedAt),
        exitCode: st.exitCode, reason: st.reason,
        message: st.message || (st.state === 'CONTAINER_EXITED' ? await terminationMessage(st) : ''),
        image: st.image?.userSpecifiedImage || st.image?.image || c.image?.image || '', imageRef: st.imageRef,
        logPath: st.logPath, annotations: st.annotations,
      });
    } catch (err) {
      // Removed between list and status: it no longer exists.
      if (!isCriNotFound(err)) throw err;
    }
  }
  sandboxes.sort((a, b) => b.createdAt - a.createdAt);
  containers.sort((a, b) => b.createdAt - a.createdAt);
  return { uid, sandboxes, containers };
}

/** The newest instance of each container name. */
export function latestByName(state: PodRuntimeState): Map<string, ContainerRecord> {
  const out = new Map<string, ContainerRecord>();
  for (const c of state.containers) if (!out.has(c.name)) out.set(c.name, c);
  return out;
}

/** The newest exited instance of a container other than `exclude`. */
export function previousDead(state: PodRuntimeState, name: string, exclude?: string): ContainerRecord | undefined {
  return state.containers.find(c => c.name === name && c.id !== exclude && c.state === 'CONTAINER_EXITED');
}

export const isRunning = (c: ContainerRecord | undefined) => c?.state === 'CONTAINER_RUNNING';
export const isExited = (c: ContainerRecord | undefined) => c?.state === 'CONTAINER_EXITED' || c?.state === 'CONTAINER_UNKNOWN';
