// One container's status as the kubelet reports it: its current state (running, terminated, or
// waiting with the reason the last sync gave), its last termination, readiness, startup, restart
// count and mounts, from the runtime's instances of it and the status reported before.
import { nowTimestamp } from '../api/object.js';
import type { Container, ContainerState, ContainerStatus } from '../api/types/generated.js';
import { previousDead, type ContainerRecord, type PodRuntimeState } from './runtime-state.js';

export interface Waiting { reason: string; message?: string }

export const CRI_PREFIX = 'containerd://';

const time = (ms: number) => nowTimestamp(new Date(ms));

export interface ContainerStatusInputs {
  state: PodRuntimeState;
  /** The newest instance of the container, if any. */
  record: ContainerRecord | undefined;
  /** The container's status as last reported. */
  prior: ContainerStatus | undefined;
  /** Why the last sync did not (re)start it. */
  waiting: Waiting | undefined;
  /** The waiting reason when there is none better (PodInitializing, ContainerCreating). */
  defaultReason: string;
  ready(id: string): boolean;
  started(id: string): boolean;
}

export function containerStatus(c: Container, inp: ContainerStatusInputs): ContainerStatus {
  const { state, record: rec, prior, waiting: w } = inp;
  const running = rec?.state === 'CONTAINER_RUNNING';
  let cur: ContainerState;
  let last: ContainerState = {};
  if (!rec) {
    cur = { waiting: w ?? { reason: inp.defaultReason } };
    if (prior?.lastState?.terminated) last = prior.lastState;
  } else if (running) {
    cur = { running: { startedAt: time(rec.startedAt || rec.createdAt) } };
    const prev = previousDead(state, c.name, rec.id);
    if (prev) last = { terminated: terminated(prev) };
  } else if (rec.state === 'CONTAINER_CREATED') {
    cur = { waiting: w ?? { reason: inp.defaultReason } };
  } else if (w) {
    cur = { waiting: w };
    last = { terminated: terminated(rec) };
  } else {
    cur = { terminated: terminated(rec) };
    const prev = previousDead(state, c.name, rec.id);
    if (prev) last = { terminated: terminated(prev) };
  }
  return {
    name: c.name,
    state: cur,
    lastState: last,
    ready: running && inp.ready(rec!.id),
    restartCount: rec ? rec.restartCount : (prior?.restartCount ?? 0),
    image: c.image ?? '',
    imageID: rec?.imageRef ?? '',
    ...(rec ? { containerID: CRI_PREFIX + rec.id } : {}),
    started: running && inp.started(rec!.id),
    ...(rec ? { volumeMounts: volumeMountStatuses(c) } : {}),
  };
}

/** The mounts of a container the runtime has, as 1.32 reports them (RecursiveReadOnlyMounts on). */
function volumeMountStatuses(c: Container): ContainerStatus['volumeMounts'] {
  return (c.volumeMounts ?? []).map(m => ({
    name: m.name, mountPath: m.mountPath, ...(m.readOnly ? { readOnly: true, recursiveReadOnly: m.recursiveReadOnly === 'Enabled' ? 'Enabled' : 'Disabled' } : {}),
  }));
}

export function terminated(rec: ContainerRecord): NonNullable<ContainerState['terminated']> {
  return {
    exitCode: rec.exitCode,
    reason: rec.reason || (rec.exitCode === 0 ? 'Completed' : 'Error'),
    ...(rec.message ? { message: rec.message } : {}),
    startedAt: rec.startedAt ? time(rec.startedAt) : undefined,
    finishedAt: rec.finishedAt ? time(rec.finishedAt) : undefined,
    containerID: CRI_PREFIX + rec.id,
  };
}
