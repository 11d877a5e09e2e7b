// The pod status the kubelet reports, computed from scratch from the spec, the runtime's state,
// probe results and the reasons the last sync gave for containers it could not start, with
// upstream's reasons, messages and phase rules. Transition times are kept from the previous status
// while a condition keeps its value.
import { nowTimestamp } from '../api/object.js';
import type { Container, ContainerState, ContainerStatus, PodCondition, PodStatus } from '../api/types/generated.js';
import { initProgress } from './init-progress.js';
import { latestByName, previousDead, type ContainerRecord, type PodRuntimeState } from './runtime-state.js';
import { isSidecar, type PodObject } from './types.js';

export interface Waiting { reason: string; message?: string }

export interface StatusInputs {
  pod: PodObject;
  state: PodRuntimeState;
  hostIPs: string[];
  /** Readiness per container id (running containers without a readiness probe are ready). */
  ready(id: string): boolean;
  /** Startup per container id (true without a startup probe). */
  started(id: string): boolean;
  /** Why the last sync did not (re)start a container, by container name. */
  waiting: Map<string, Waiting>;
  /** The pod is being torn down (deleted, or finished): nothing will be restarted. */
  terminal?: 'Succeeded' | 'Failed';
  /** Why the pod as a whole is in its phase (e.g. DeadlineExceeded), with a message. */
  reason?: { reason: string; message: string };
  now?: Date;
}

const time = (ms: number) => nowTimestamp(new Date(ms));

export const CRI_PREFIX = 'containerd://';

export function computePodStatus(inp: StatusInputs): PodStatus {
  const { pod, state } = inp;
  const old = pod.status ?? {};
  const now = nowTimestamp(inp.now);
  const latest = latestByName(state);
  const initializedBefore = condition(old, 'Initialized')?.status === 'True';
  const progress = initProgress(pod, state, inp.started, initializedBefore);

  const oldStatuses = new Map([...(old.containerStatuses ?? []), ...(old.initContainerStatuses ?? [])].map(s => [s.name, s]));
  const status = (c: Container, defaultReason: string): ContainerStatus => {
    const rec = latest.get(c.name);
    const prior = oldStatuses.get(c.name);
    const running = rec?.state === 'CONTAINER_RUNNING';
    let cur: ContainerState;
    let last: ContainerState = {};
    const w = inp.waiting.get(c.name);
    if (!rec) {
      cur = { waiting: w ?? { reason: defaultReason } };
      if (prior?.lastState?.terminated) last = prior.lastState;
    } else if (running) {
      cur = { running: { startedAt: time(rec.startedAt || rec.createdAt) } };
      const prev = previousDead(state, c.name, rec.id);
      if (prev) last = { terminated: terminated(prev) };
    } else if (rec.state === 'CONTAINER_CREATED') {
      cur = { waiting: w ?? { reason: defaultReason } };
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
  };

  const initDone = progress.done;
  const initStatuses = (pod.spec.initContainers ?? []).map(c => {
    const s = status(c, 'PodInitializing');
    // A sidecar is "ready" when running and ready; a completed init container is not "ready".
    if (!isSidecar(c)) s.ready = s.state?.terminated?.exitCode === 0 && !!s.state.terminated;
    return s;
  });
  const appStatuses = pod.spec.containers.map(c => status(c, initDone ? 'ContainerCreating' : 'PodInitializing'));

  const phase = inp.terminal ?? podPhase(pod, appStatuses, initDone, !!progress.failed);
  const sandbox = state.sandboxes[0];
  const sandboxReady = sandbox?.state === 'SANDBOX_READY' && (sandbox.ips.length > 0 || !!pod.spec.hostNetwork);
  const podIPs = sandboxReady && sandbox.ips.length ? sandbox.ips : pod.spec.hostNetwork ? inp.hostIPs : (old.podIPs ?? []).map(p => p.ip);

  const unready = [...initStatuses.filter((s, i) => isSidecar(pod.spec.initContainers![i]) && !s.ready), ...appStatuses.filter(s => !s.ready)].map(s => s.name);
  const incomplete = initDone ? [] : initStatuses.filter((s, i) => {
    const c = pod.spec.initContainers![i];
    return isSidecar(c) ? !s.started : !(s.state?.terminated?.exitCode === 0);
  }).map(s => s.name);
  const completed = phase === 'Succeeded' || phase === 'Failed';
  const containersReady = readyCond('ContainersReady', unready, completed && phase === 'Succeeded');
  const owned: PodCondition[] = [
    cond('PodReadyToStartContainers', sandboxReady && !completed),
    initDone || (completed && !progress.failed) ? cond('Initialized', true)
      : cond('Initialized', false, 'ContainersNotInitialized', `containers with incomplete status: [${incomplete.join(' ')}]`),
    containersReady.status === 'True' ? readinessGates(pod, old) : { ...containersReady, type: 'Ready' },
    containersReady,
  ];
  for (const c of owned) {
    const before = condition(old, c.type);
    c.lastTransitionTime = before && before.status === c.status ? before.lastTransitionTime : now;
    c.lastProbeTime = before?.lastProbeTime ?? null as unknown as undefined;
  }
  // Conditions others own (PodScheduled, DisruptionTarget, readiness-gate conditions) stay as they are.
  const conds = [...owned, ...(old.conditions ?? []).filter(c => !KUBELET_CONDITIONS.has(c.type))];

  return {
    phase,
    conditions: conds,
    hostIP: inp.hostIPs[0],
    hostIPs: inp.hostIPs.map(ip => ({ ip })),
    ...(podIPs.length ? { podIP: podIPs[0], podIPs: podIPs.map(ip => ({ ip })) } : {}),
    startTime: old.startTime ?? now,
    ...(inp.reason ? { reason: inp.reason.reason, message: inp.reason.message } : {}),
    qosClass: old.qosClass,
    ...(initStatuses.length ? { initContainerStatuses: initStatuses } : {}),
    containerStatuses: appStatuses,
  };
}

/** The mounts of a container the runtime has, as 1.32 reports them (RecursiveReadOnlyMounts on). */
function volumeMountStatuses(c: Container): ContainerStatus['volumeMounts'] {
  return (c.volumeMounts ?? []).map(m => ({
    name: m.name, mountPath: m.mountPath, ...(m.readOnly ? { readOnly: true, recursiveReadOnly: m.recursiveReadOnly === 'Enabled' ? 'Enabled' : 'Disabled' } : {}),
  }));
}

const KUBELET_CONDITIONS = new Set(['PodReadyToStartContainers', 'Initialized', 'ContainersReady', 'Ready']);

/** Ready once the containers are: True only if every readiness gate's condition is True too. */
function readinessGates(pod: PodObject, old: PodStatus): PodCondition {
  const unready: string[] = [];
  for (const gate of pod.spec.readinessGates ?? []) {
    const c = condition(old, gate.conditionType);
    if (!c) unready.push(`corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`);
    else if (c.status !== 'True') unready.push(`the status of pod readiness gate "${gate.conditionType}" is not "True", but ${c.status}`);
  }
  return unready.length ? cond('Ready', false, 'ReadinessGatesNotReady', unready.join(', ')) : cond('Ready', true);
}

function cond(type: string, ok: boolean, reason?: string, message?: string): PodCondition {
  return { type, status: ok ? 'True' : 'False', ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
}

function readyCond(type: string, unready: string[], podCompleted: boolean): PodCondition {
  if (podCompleted) return cond(type, false, 'PodCompleted');
  if (!unready.length) return cond(type, true);
  return cond(type, false, 'ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`);
}

function condition(status: PodStatus, type: string): PodCondition | undefined {
  return status.conditions?.find(c => c.type === type);
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

/** Upstream's getPhase over app containers, after init containers. */
function podPhase(pod: PodObject, apps: ContainerStatus[], initDone: boolean, initFailed: boolean): string {
  const policy = pod.spec.restartPolicy ?? 'Always';
  if (initFailed && policy === 'Never') return 'Failed';
  if (!initDone) return 'Pending';
  let waiting = 0, running = 0, stopped = 0, succeeded = 0;
  for (const s of apps) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.lastState?.terminated) {
      stopped++;
      if (s.lastState.terminated.exitCode === 0) succeeded++;
    } else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    return policy === 'OnFailure' ? 'Running' : 'Failed';
  }
  return 'Pending';
}

/**
 * Whether two statuses differ in what the kubelet reports (transition times aside), compared
 * canonically so that a status read back from the API server, keys in any order, equals the one sent.
 */
export function statusChanged(a: PodStatus | undefined, b: PodStatus): boolean {
  return canonicalJson(normalise(a ?? {})) !== canonicalJson(normalise(b));
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined && x !== null).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

function normalise(s: PodStatus): unknown {
  const cs = (l?: ContainerStatus[]) => (l ?? []).map(c => ({ ...c, lastState: c.lastState ?? {} }));
  return {
    phase: s.phase, podIP: s.podIP, podIPs: s.podIPs, hostIP: s.hostIP, reason: s.reason, message: s.message,
    conditions: (s.conditions ?? []).map(c => [c.type, c.status, c.reason ?? '', c.message ?? '']).sort(),
    containerStatuses: cs(s.containerStatuses), initContainerStatuses: cs(s.initContainerStatuses),
  };
}
