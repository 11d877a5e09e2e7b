// PodDisruptionBudget arithmetic, as upstream's disruption controller: how many pods are expected
// (from the selected pods or their controllers' scale), how many must stay healthy, and how many
// may be disrupted now.
import type { KubeObject } from '../../api/object.js';
import { isPodReady } from '../../api/pod-state.js';
import { LabelSelector } from '../../api/selectors/label-selector.js';
import type { Condition, LabelSelectorSpec, Pod } from './types.js';

/** Evicted pods not deleted within this time count as healthy again. */
export const DELETION_TIMEOUT_MS = 2 * 60_000;

export interface PodDisruptionBudget extends KubeObject {
  spec: {
    minAvailable?: number | string;
    maxUnavailable?: number | string;
    selector?: LabelSelectorSpec | null;
    unhealthyPodEvictionPolicy?: 'IfHealthyBudget' | 'AlwaysAllow';
  };
  status?: {
    observedGeneration?: number;
    disruptedPods?: Record<string, string>;
    disruptionsAllowed?: number;
    currentHealthy?: number;
    desiredHealthy?: number;
    expectedPods?: number;
    conditions?: Condition[];
  };
}

export function selectsPod(pdb: PodDisruptionBudget, pod: KubeObject): boolean {
  if (pdb.metadata.namespace !== pod.metadata.namespace) return false;
  const sel = LabelSelector.fromObject(pdb.spec.selector ?? null);
  return !!sel && sel.matches(pod.metadata.labels);
}

/** An int, or a percentage of `total` rounded up or down. */
export function scaled(v: number | string, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return Number.isInteger(Number(v)) ? Number(v) : 0;
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

export const isPercent = (v: number | string | undefined) => typeof v === 'string' && v.endsWith('%');

/** Whether the expected count must come from the pods' controllers rather than the pods. */
export function needsControllerScale(pdb: PodDisruptionBudget): boolean {
  return pdb.spec.maxUnavailable !== undefined || isPercent(pdb.spec.minAvailable);
}

export function expectedAndDesired(pdb: PodDisruptionBudget, podCount: number, controllerScale: number): { expected: number; desired: number } {
  const { maxUnavailable, minAvailable } = pdb.spec;
  if (maxUnavailable !== undefined) {
    const expected = controllerScale;
    return { expected, desired: Math.max(0, expected - scaled(maxUnavailable, expected, true)) };
  }
  if (minAvailable !== undefined) {
    if (isPercent(minAvailable)) return { expected: controllerScale, desired: scaled(minAvailable, controllerScale, true) };
    return { expected: podCount, desired: scaled(minAvailable, podCount, true) };
  }
  return { expected: 0, desired: 0 };
}

/** Disrupted-pod entries still pending: the pod exists, is not yet deleting, and the entry is fresh. */
export function liveDisruptedPods(pdb: PodDisruptionBudget, pods: Pod[], now: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, at] of Object.entries(pdb.status?.disruptedPods ?? {})) {
    const pod = pods.find(p => p.metadata.name === name);
    if (!pod || pod.metadata.deletionTimestamp) continue;
    if (Date.parse(at) + DELETION_TIMEOUT_MS < now) continue;
    out[name] = at;
  }
  return out;
}

export function countHealthy(pods: Pod[], disrupted: Record<string, string>): number {
  return pods.filter(p => !p.metadata.deletionTimestamp && !(p.metadata.name! in disrupted) && isPodReady(p)).length;
}

export function disruptionsAllowed(currentHealthy: number, desiredHealthy: number, expected: number): number {
  const n = currentHealthy - desiredHealthy;
  return expected <= 0 || n <= 0 ? 0 : n;
}
