// One scheduling attempt over the cache: PreFilter, Filter over a rotating sample of nodes (stop
// once enough feasible ones are found, as upstream's percentageOfNodesToScore), Score, and pick the
// best (ties broken at random). Synchronous: the cache cannot change under it.
import { fitErrorMessage, type Diagnosis } from './fit-error.js';
import { CycleState, type Handle, type Status } from './framework.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import type { Profile } from './profile.js';

export type ScheduleResult =
  | { kind: 'scheduled'; node: string; evaluated: number; feasible: number }
  | { kind: 'unschedulable'; numAllNodes: number; diagnosis: Diagnosis }
  | { kind: 'error'; message: string };

export const NO_NODES = 'no nodes available to schedule pods';
const MIN_FEASIBLE_NODES = 100;
const MIN_PERCENTAGE = 5;

/** Upstream's adaptive sample: 50% minus 1% per 125 nodes, at least 5% and at least 100 nodes. */
export function numFeasibleNodesToFind(numAllNodes: number, percentage = 0): number {
  if (numAllNodes < MIN_FEASIBLE_NODES) return numAllNodes;
  let pct = percentage;
  if (pct <= 0) pct = Math.max(MIN_PERCENTAGE, 50 - numAllNodes / 125);
  if (pct >= 100) return numAllNodes;
  return Math.max(MIN_FEASIBLE_NODES, Math.floor((numAllNodes * pct) / 100));
}

export class Algorithm {
  private nextStart = 0;

  constructor(private readonly handle: Handle, private readonly percentageOfNodesToScore = 0) {}

  /** Filter with the node's nominated pods of equal or higher priority counted as present. */
  filterWithNominated(profile: Profile, s: CycleState, pod: PodInfo, node: NodeInfo): Status | null {
    const nominated = this.handle.nominatedPods(node.name);
    if (nominated.length) {
      const others = nominated.filter(p => p.key !== pod.key && p.priority >= pod.priority);
      if (others.length) {
        const clone = node.clone();
        for (const p of others) clone.addPod(p);
        return profile.runFilter(s, pod, clone);
      }
    }
    return profile.runFilter(s, pod, node);
  }

  schedule(profile: Profile, s: CycleState, pod: PodInfo): ScheduleResult {
    const nodes = this.handle.cache.nodeList();
    const n = nodes.length;
    if (n === 0) return { kind: 'error', message: NO_NODES };
    const diagnosis: Diagnosis = { statuses: new Map(), unschedulablePlugins: new Set() };
    const pre = profile.runPreFilter(s, pod, nodes);
    if (pre) {
      if (pre.code === 'Error') return { kind: 'error', message: pre.reasons.join(', ') };
      diagnosis.preFilterMsg = pre.reasons.join(', ');
      for (const node of nodes) diagnosis.statuses.set(node.name, pre);
      if (pre.plugin) diagnosis.unschedulablePlugins.add(pre.plugin);
      return { kind: 'unschedulable', numAllNodes: n, diagnosis };
    }

    // A preemptor goes back to the node it nominated itself for, if that node now fits.
    const nominated = pod.pod.status?.nominatedNodeName;
    if (nominated) {
      const ni = this.handle.cache.nodes.get(nominated);
      if (ni?.hasNode && !this.filterWithNominated(profile, s, pod, ni)) return { kind: 'scheduled', node: nominated, evaluated: 1, feasible: 1 };
    }

    const want = numFeasibleNodesToFind(n, this.percentageOfNodesToScore);
    // Sized up front, as upstream's: growing it by push reallocates it several times per pod.
    const feasible: NodeInfo[] = new Array(want);
    let found = 0;
    let processed = 0;
    for (; processed < n && found < want; processed++) {
      const node = nodes[(this.nextStart + processed) % n];
      const st = this.filterWithNominated(profile, s, pod, node);
      if (!st) feasible[found++] = node;
      else {
        if (st.code === 'Error') return { kind: 'error', message: st.reasons.join(', ') };
        diagnosis.statuses.set(node.name, st);
        if (st.plugin) diagnosis.unschedulablePlugins.add(st.plugin);
      }
    }
    this.nextStart = (this.nextStart + processed) % n;
    feasible.length = found;
    if (feasible.length === 0) return { kind: 'unschedulable', numAllNodes: n, diagnosis };
    if (feasible.length === 1) return { kind: 'scheduled', node: feasible[0].name, evaluated: processed, feasible: 1 };
    const scores = profile.runScore(s, pod, feasible);
    return { kind: 'scheduled', node: feasible[selectHost(scores)].name, evaluated: processed, feasible: feasible.length };
  }
}

/**
 * Index of the highest score; ties are broken uniformly at random. Upstream samples a reservoir,
 * one random number per tie; counting the ties first picks with the same odds and one number
 * (hundreds of nodes often tie, and each random number is an allocation).
 */
export function selectHost(scores: Float64Array): number {
  let max = scores[0];
  let ties = 0;
  for (let i = 0; i < scores.length; i++) {
    if (scores[i] > max) {
      max = scores[i];
      ties = 1;
    } else if (scores[i] === max) {
      ties++;
    }
  }
  let pick = Math.floor(Math.random() * ties);
  for (let i = 0; i < scores.length; i++) if (scores[i] === max && pick-- === 0) return i;
  return 0;
}

export function unschedulableMessage(r: Extract<ScheduleResult, { kind: 'unschedulable' }>): string {
  return fitErrorMessage(r.numAllNodes, r.diagnosis);
}
