// Pod statuses a kubelet reports: Running and Ready once the containers "start", Succeeded when a
// run-to-completion pod exits 0, and terminated containers when a pod is being deleted.
import { createHash } from 'node:crypto';
import type { KubeObject } from '../api/object.js';

interface Container { name: string; image?: string }

export interface PodObject extends KubeObject {
  spec?: { nodeName?: string; restartPolicy?: string; containers?: Container[]; initContainers?: Container[] };
  status?: {
    phase?: string; podIP?: string; startTime?: string;
    conditions?: { type: string; status: string; reason?: string }[];
    [k: string]: unknown;
  };
}

const hex = (s: string) => createHash('sha256').update(s).digest('hex');

/** Upstream prints unqualified images as docker.io/library/NAME:latest in imageID. */
function qualified(image: string): string {
  const named = image.includes('/') ? (image.split('/')[0].includes('.') ? image : `docker.io/${image}`) : `docker.io/library/${image}`;
  return named.split('@')[0].replace(/:[^/:]+$/, '');
}

function containerBase(pod: PodObject, c: Container) {
  const image = c.image ?? '';
  return {
    name: c.name, image, imageID: `${qualified(image)}@sha256:${hex(image)}`,
    containerID: `containerd://${hex(`${pod.metadata.uid}/${c.name}`)}`, restartCount: 0,
  };
}

function condition(type: string, status: 'True' | 'False', at: string, reason?: string) {
  return { type, status, lastProbeTime: null, lastTransitionTime: at, ...(reason ? { reason } : {}) };
}

export function runningStatus(pod: PodObject, hostIP: string, podIP: string, now: string): Record<string, unknown> {
  const start = pod.status?.startTime ?? now;
  return {
    phase: 'Running',
    conditions: [
      condition('PodReadyToStartContainers', 'True', now), condition('Initialized', 'True', now),
      condition('Ready', 'True', now), condition('ContainersReady', 'True', now), condition('PodScheduled', 'True', start),
    ],
    hostIP, hostIPs: [{ ip: hostIP }], podIP, podIPs: [{ ip: podIP }], startTime: start,
    ...(pod.spec?.initContainers?.length ? {
      initContainerStatuses: pod.spec.initContainers.map(c => ({
        ...containerBase(pod, c), ready: true, started: false,
        state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: start, finishedAt: now, containerID: containerBase(pod, c).containerID } },
        lastState: {},
      })),
    } : {}),
    containerStatuses: (pod.spec?.containers ?? []).map(c => ({
      ...containerBase(pod, c), ready: true, started: true, state: { running: { startedAt: now } }, lastState: {},
    })),
  };
}

/** Every container exited with `exitCode`; phase Succeeded for 0 (a finished Job pod). */
export function terminatedStatus(pod: PodObject, now: string, exitCode: number, phase?: 'Succeeded' | 'Failed'): Record<string, unknown> {
  const reason = exitCode === 0 ? 'Completed' : 'Error';
  const started = (name: string) =>
    (pod.status?.containerStatuses as { name: string; state?: { running?: { startedAt?: string } } }[] | undefined)
      ?.find(s => s.name === name)?.state?.running?.startedAt ?? pod.status?.startTime ?? now;
  const notReady = exitCode === 0 && phase ? 'PodCompleted' : 'ContainersNotReady';
  const conditions = (pod.status?.conditions ?? []).map(c =>
    c.type === 'Ready' || c.type === 'ContainersReady' || c.type === 'PodReadyToStartContainers'
      ? condition(c.type, 'False', now, c.type === 'PodReadyToStartContainers' ? undefined : notReady) : c);
  return {
    ...(phase ? { phase } : {}),
    conditions,
    containerStatuses: (pod.spec?.containers ?? []).map(c => ({
      ...containerBase(pod, c), ready: false, started: false,
      state: { terminated: { exitCode, reason, startedAt: started(c.name), finishedAt: now, containerID: containerBase(pod, c).containerID } },
      lastState: {},
    })),
  };
}

export function runsToCompletion(pod: PodObject): boolean {
  const p = pod.spec?.restartPolicy;
  return p === 'Never' || p === 'OnFailure';
}

export const podKey = (pod: KubeObject) => `${pod.metadata.namespace}/${pod.metadata.name}`;
