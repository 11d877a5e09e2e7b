// The pod conditions the kubelet owns — PodReadyToStartContainers, Initialized, Ready (with
// readiness gates) and ContainersReady — with upstream's reasons and messages; a condition keeps
// its transition time while its status stays. Conditions others own pass through unchanged.
import type { ContainerStatus, PodCondition, PodStatus } from '../api/types/generated.js';
import { isSidecar, type PodObject } from './types.js';

const KUBELET_CONDITIONS = new Set(['PodReadyToStartContainers', 'Initialized', 'ContainersReady', 'Ready']);

export interface ConditionInputs {
  pod: PodObject;
  /** The status reported before. */
  old: PodStatus;
  initStatuses: ContainerStatus[];
  appStatuses: ContainerStatus[];
  phase: string;
  initDone: boolean;
  initFailed: boolean;
  sandboxReady: boolean;
  now: string;
}

export function podConditions(inp: ConditionInputs): PodCondition[] {
  const { pod, old, initStatuses, appStatuses, phase } = inp;
  const unready = [...initStatuses.filter((s, i) => isSidecar(pod.spec.initContainers![i]) && !s.ready), ...appStatuses.filter(s => !s.ready)].map(s => s.name);
  const incomplete = inp.initDone ? [] : initStatuses.filter((s, i) => {
    const c = pod.spec.initContainers![i];
    return isSidecar(c) ? !s.started : !(s.state?.terminated?.exitCode === 0);
  }).map(s => s.name);
  const completed = phase === 'Succeeded' || phase === 'Failed';
  const containersReady = readyCond('ContainersReady', unready, completed && phase === 'Succeeded');
  const owned: PodCondition[] = [
    cond('PodReadyToStartContainers', inp.sandboxReady && !completed),
    inp.initDone || (completed && !inp.initFailed) ? cond('Initialized', true)
      : cond('Initialized', false, 'ContainersNotInitialized', `containers with incomplete status: [${incomplete.join(' ')}]`),
    containersReady.status === 'True' ? readinessGates(pod, old) : { ...containersReady, type: 'Ready' },
    containersReady,
  ];
  for (const c of owned) {
    const before = condition(old, c.type);
    c.lastTransitionTime = before && before.status === c.status ? before.lastTransitionTime : inp.now;
    c.lastProbeTime = before?.lastProbeTime ?? null as unknown as undefined;
  }
  // Conditions others own (PodScheduled, DisruptionTarget, readiness-gate conditions) stay as they are.
  return [...owned, ...(old.conditions ?? []).filter(c => !KUBELET_CONDITIONS.has(c.type))];
}

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

export function condition(status: PodStatus, type: string): PodCondition | undefined {
  return status.conditions?.find(c => c.type === type);
}
