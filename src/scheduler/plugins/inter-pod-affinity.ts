// InterPodAffinity: required pod affinity (some matching pod in the node's topology domain) and
// anti-affinity (none), including existing pods' anti-affinity against the incoming pod; preferred
// terms of both sides score. Counts are per topology pair ("key\0value") computed once per pod in
// PreFilter/PreScore from the cache's label index, so Filter and Score are label lookups.
import { SKIP, unresolvable, unschedulable, type CycleState, type Handle, type Plugin, MAX_NODE_SCORE } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import { termMatches, type AffinityTerm, type PodInfo } from '../pod-info.js';

const AFFINITY = "node(s) didn't match pod affinity rules";
const ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
const EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";

type Counts = Map<string, number>;
const pair = (key: string, value: string) => `${key}\0${value}`;

interface FilterState {
  existingAnti: Counts;
  /** Per required affinity term: pods matching all terms, by topology pair. */
  affinity: Counts[];
  anti: Counts[];
  /** No pod matches the affinity terms anywhere, but the pod matches them itself: let it start a group. */
  selfStarts: boolean;
}

function bump(c: Counts, node: NodeInfo | undefined, key: string, by = 1): void {
  const v = node?.labels[key];
  if (v !== undefined) c.set(pair(key, v), (c.get(pair(key, v)) ?? 0) + by);
}

export function interPodAffinity(h: Handle): Plugin {
  const nodeOf = (p: PodInfo) => h.cache.nodes.get(h.cache.nodeOf(p.key) ?? '');
  const matchingPods = (term: AffinityTerm) => {
    const out: PodInfo[] = [];
    for (const p of h.cache.candidates(term.selector)) if (termMatches(term, p, h.namespaceLabels)) out.push(p);
    return out;
  };

  return {
    name: 'InterPodAffinity',
    events: ['Node', 'AssignedPod'],
    preFilter(s: CycleState, pod: PodInfo) {
      const existing = h.cache.podsWithRequiredAntiAffinity;
      if (!pod.requiredAffinity.length && !pod.requiredAntiAffinity.length && existing.size === 0) return SKIP;
      const st: FilterState = { existingAnti: new Map(), affinity: [], anti: [], selfStarts: false };
      for (const e of existing) {
        for (const t of e.requiredAntiAffinity) if (termMatches(t, pod, h.namespaceLabels)) bump(st.existingAnti, nodeOf(e), t.topologyKey);
      }
      if (pod.requiredAffinity.length) {
        const [first, ...rest] = pod.requiredAffinity;
        const all = matchingPods(first).filter(p => rest.every(t => termMatches(t, p, h.namespaceLabels)));
        st.affinity = pod.requiredAffinity.map(t => {
          const c: Counts = new Map();
          for (const p of all) bump(c, nodeOf(p), t.topologyKey);
          return c;
        });
        st.selfStarts = all.length === 0 && pod.requiredAffinity.every(t => termMatches(t, pod, h.namespaceLabels));
      }
      st.anti = pod.requiredAntiAffinity.map(t => {
        const c: Counts = new Map();
        for (const p of matchingPods(t)) bump(c, nodeOf(p), t.topologyKey);
        return c;
      });
      s.write('InterPodAffinity/filter', st);
      return null;
    },
    filter(s, pod, node) {
      const st = s.read<FilterState>('InterPodAffinity/filter')!;
      if (st.existingAnti.size) {
        for (const k in node.labels) if ((st.existingAnti.get(pair(k, node.labels[k])) ?? 0) > 0) return unschedulable(EXISTING_ANTI_AFFINITY);
      }
      if (!st.selfStarts) {
        for (let i = 0; i < pod.requiredAffinity.length; i++) {
          const v = node.labels[pod.requiredAffinity[i].topologyKey];
          if (v === undefined || !(st.affinity[i].get(pair(pod.requiredAffinity[i].topologyKey, v)) ?? 0)) return unresolvable(AFFINITY);
        }
      } else if (pod.requiredAffinity.some(t => node.labels[t.topologyKey] === undefined)) {
        return unresolvable(AFFINITY);
      }
      for (let i = 0; i < pod.requiredAntiAffinity.length; i++) {
        const v = node.labels[pod.requiredAntiAffinity[i].topologyKey];
        if (v !== undefined && (st.anti[i].get(pair(pod.requiredAntiAffinity[i].topologyKey, v)) ?? 0) > 0) return unschedulable(ANTI_AFFINITY);
      }
      return null;
    },
    preScore(s, pod) {
      const hasPreferred = pod.preferredAffinity.length + pod.preferredAntiAffinity.length > 0;
      if (!hasPreferred && h.cache.podsWithAffinity.size === 0) return SKIP;
      const scores: Counts = new Map();
      for (const t of pod.preferredAffinity) for (const p of matchingPods(t)) bump(scores, nodeOf(p), t.topologyKey, t.weight);
      for (const t of pod.preferredAntiAffinity) for (const p of matchingPods(t)) bump(scores, nodeOf(p), t.topologyKey, -t.weight);
      // Existing pods' terms that select the incoming pod pull it toward (or push it from) them;
      // their required affinity counts with upstream's default hardPodAffinityWeight of 1.
      for (const e of h.cache.podsWithAffinity) {
        const node = nodeOf(e);
        for (const t of e.requiredAffinity) if (termMatches(t, pod, h.namespaceLabels)) bump(scores, node, t.topologyKey, 1);
        for (const t of e.preferredAffinity) if (termMatches(t, pod, h.namespaceLabels)) bump(scores, node, t.topologyKey, t.weight);
        for (const t of e.preferredAntiAffinity) if (termMatches(t, pod, h.namespaceLabels)) bump(scores, node, t.topologyKey, -t.weight);
      }
      if (scores.size === 0) return SKIP;
      s.write('InterPodAffinity/score', [...scores].map(([k, v]) => [...k.split('\0'), v] as [string, string, number]));
      return null;
    },
    score(s, _pod, node) {
      let sum = 0;
      for (const [k, v, w] of s.read<[string, string, number][]>('InterPodAffinity/score')!) if (node.labels[k] === v) sum += w;
      return sum;
    },
    normalizeScore(_s, _pod, scores) {
      let min = Infinity;
      let max = -Infinity;
      for (const v of scores) { if (v < min) min = v; if (v > max) max = v; }
      for (let i = 0; i < scores.length; i++) scores[i] = max === min ? 0 : Math.floor((MAX_NODE_SCORE * (scores[i] - min)) / (max - min));
    },
  };
}
