// DefaultPreemption: when a pod fits nowhere, find a node where evicting lower-priority pods would
// make it fit, evicting as few and as unimportant pods as possible and, as best effort, none whose
// PodDisruptionBudget allows no more disruptions. The scheduler then deletes the victims and
// nominates the node; the pod is retried once they are gone.
import type { LabelSelector } from '../../api/selectors/label-selector.js';
import { fitErrorMessage } from '../fit-error.js';
import { unresolvable, type CycleState, type Handle, type Plugin, type PostFilterResult, type Status } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';

const NOT_HELPFUL = 'Preemption is not helpful for scheduling';
const NO_VICTIMS = 'No preemption victims found for incoming pod';

export interface DisruptionBudget {
  namespace: string;
  selector: LabelSelector;
  disruptionsAllowed: number;
}

export interface Candidate {
  node: string;
  victims: PodInfo[];
  pdbViolations: number;
}

const startTime = (p: PodInfo) => Date.parse(String(p.pod.status?.startTime ?? p.pod.metadata.creationTimestamp ?? '')) || 0;

/** Victims on one node: all lower-priority pods, then as many reprieved as still lets the pod fit. */
export function selectVictimsOnNode(h: Handle, s: CycleState, pod: PodInfo, node: NodeInfo, pdbs: DisruptionBudget[]): Candidate | Status {
  const lower = [...node.pods.values()].filter(p => p.priority < pod.priority);
  if (lower.length === 0) return unresolvable(NO_VICTIMS);
  const sim = node.clone();
  for (const p of lower) sim.removePod(p.key);
  const st = h.filter(s, pod, sim);
  if (st) return st;
  // Most important first: they get the first chance to stay.
  lower.sort((a, b) => b.priority - a.priority || startTime(a) - startTime(b));
  const allowed = new Map(pdbs.map(b => [b, b.disruptionsAllowed]));
  const violating: PodInfo[] = [];
  const safe: PodInfo[] = [];
  for (const p of lower) {
    let violates = false;
    for (const b of pdbs) {
      if (b.namespace !== p.namespace || !b.selector.matches(p.labels)) continue;
      const left = allowed.get(b)! - 1;
      allowed.set(b, left);
      if (left < 0) violates = true;
    }
    (violates ? violating : safe).push(p);
  }
  const victims: PodInfo[] = [];
  let pdbViolations = 0;
  const reprieve = (p: PodInfo, countsAsViolation: boolean) => {
    sim.addPod(p);
    if (h.filter(s, pod, sim)) {
      sim.removePod(p.key);
      victims.push(p);
      if (countsAsViolation) pdbViolations++;
    }
  };
  for (const p of violating) reprieve(p, true);
  for (const p of safe) reprieve(p, false);
  return { node: node.name, victims, pdbViolations };
}

/** Upstream's order: fewest PDB violations, lowest top victim priority, lowest priority sum, fewest victims. */
export function pickCandidate(cands: Candidate[]): Candidate {
  const key = (c: Candidate) => [
    c.pdbViolations,
    Math.max(...c.victims.map(v => v.priority), -Infinity),
    c.victims.reduce((n, v) => n + v.priority + 2 ** 31, 0),
    c.victims.length,
  ];
  return cands.reduce((best, c) => {
    const a = key(c);
    const b = key(best);
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? c : best;
    return best;
  });
}

export function defaultPreemption(h: Handle, pdbs: () => DisruptionBudget[]): Plugin {
  return {
    name: 'DefaultPreemption',
    postFilter(s, pod, statuses): PostFilterResult {
      if (pod.spec.preemptionPolicy === 'Never') return { message: 'not eligible due to preemptionPolicy=Never.' };
      const nominated = pod.pod.status?.nominatedNodeName;
      if (nominated) {
        const ni = h.cache.nodes.get(nominated);
        const terminating = ni && [...ni.pods.values()].some(p => p.pod.metadata.deletionTimestamp && p.priority < pod.priority);
        if (terminating) return { message: 'not eligible due to a terminating pod on the nominated node.' };
      }
      const results = new Map<string, Status>();
      const candidates: Candidate[] = [];
      const budgets = pdbs();
      for (const node of h.cache.nodeList()) {
        const st = statuses.get(node.name);
        if (!st || st.code === 'UnschedulableAndUnresolvable') {
          results.set(node.name, unresolvable(NOT_HELPFUL));
          continue;
        }
        const r = selectVictimsOnNode(h, s, pod, node, budgets);
        if ('victims' in r) candidates.push(r); else results.set(node.name, r);
      }
      if (candidates.length === 0) {
        return { message: `preemption: ${fitErrorMessage(results.size, { statuses: results, unschedulablePlugins: new Set() })}` };
      }
      const best = pickCandidate(candidates);
      return { nominatedNode: best.node, victims: best.victims, message: '' };
    },
  };
}
