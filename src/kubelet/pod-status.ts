// The pod status the kubelet reports, computed from scratch from the spec, the runtime's state,
// probe results and the reasons the last sync gave for containers it could not start, with
// upstream's reasons, messages and phase rules. Each part has its module: container statuses
// (container-statuses.ts), the phase (pod-phase.ts), the conditions (pod-conditions.ts).
import { nowTimestamp } from '../api/object.js';
import { podQos } from '../api/pod-qos.js';
import type { PodStatus } from '../api/types/generated.js';
import { containerStatus, type Waiting } from './container-statuses.js';
import { initProgress } from './init-progress.js';
import { condition, podConditions } from './pod-conditions.js';
import { podPhase } from './pod-phase.js';
import { latestByName, type PodRuntimeState } from './runtime-state.js';
import { isSidecar, type PodObject } from './types.js';

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

export function computePodStatus(inp: StatusInputs): PodStatus {
  const { pod, state } = inp;
  const old = pod.status ?? {};
  const now = nowTimestamp(inp.now);
  const latest = latestByName(state);
  const initializedBefore = condition(old, 'Initialized')?.status === 'True';
  const progress = initProgress(pod, state, inp.started, initializedBefore);

  const oldStatuses = new Map([...(old.containerStatuses ?? []), ...(old.initContainerStatuses ?? [])].map(s => [s.name, s]));
  const status = (c: Parameters<typeof containerStatus>[0], defaultReason: string) => containerStatus(c, {
    state, record: latest.get(c.name), prior: oldStatuses.get(c.name), waiting: inp.waiting.get(c.name), defaultReason, ready: inp.ready, started: inp.started,
  });

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
  const conditions = podConditions({ pod, old, initStatuses, appStatuses, phase, initDone, initFailed: !!progress.failed, sandboxReady, now });

  return {
    phase,
    conditions,
    hostIP: inp.hostIPs[0],
    hostIPs: inp.hostIPs.map(ip => ({ ip })),
    ...(podIPs.length ? { podIP: podIPs[0], podIPs: podIPs.map(ip => ({ ip })) } : {}),
    startTime: old.startTime ?? now,
    ...(inp.reason ? { reason: inp.reason.reason, message: inp.reason.message } : {}),
    // As upstream's generateAPIPodStatus: GetPodQOS (the recorded class, else computed).
    qosClass: podQos(pod),
    ...(initStatuses.length ? { initContainerStatuses: initStatuses } : {}),
    containerStatuses: appStatuses,
  };
}
