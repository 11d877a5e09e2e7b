// PodTopologySpread: DoNotSchedule constraints filter nodes whose domain would exceed maxSkew over
// the least loaded domain; ScheduleAnyway constraints (and the system defaults, hostname maxSkew 3
// and zone maxSkew 5, for pods owned by a Service or controller) score nodes with fewer matching
// pods higher. Domain counts are built once per pod from the cache's label index.
import { LabelSelector } from '../../api/selectors/label-selector.js';
import { MAX_NODE_SCORE, SKIP, unresolvable, unschedulable, type CycleState, type Handle, type Plugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import type { TopologySpreadConstraint } from '../types.js';
import { matchesNodeSelection, tolerates } from '../../api/node-selection.js';

const SKEW = "node(s) didn't match pod topology spread constraints";
const MISSING_LABEL = "node(s) didn't match pod topology spread constraints (missing required label)";
const HOSTNAME = 'kubernetes.io/hostname';

interface Constraint {
  maxSkew: number;
  key: string;
  selector: LabelSelector;
  minDomains: number;
  honorAffinity: boolean;
  honorTaints: boolean;
}

export const SYSTEM_DEFAULT_CONSTRAINTS: { maxSkew: number; topologyKey: string }[] = [
  { maxSkew: 3, topologyKey: HOSTNAME },
  { maxSkew: 5, topologyKey: 'topology.kubernetes.io/zone' },
];

function compile(pod: PodInfo, c: TopologySpreadConstraint): Constraint {
  let selector = LabelSelector.fromObject(c.labelSelector ?? null) ?? new LabelSelector([{ key: '\0never', operator: 'Exists', values: [] }]);
  const extra = (c.matchLabelKeys ?? []).filter(k => k in pod.labels).map(k => ({ key: k, operator: 'In' as const, values: [pod.labels[k]] }));
  if (extra.length) selector = new LabelSelector([...selector.requirements, ...extra]);
  return {
    maxSkew: c.maxSkew, key: c.topologyKey, selector, minDomains: c.minDomains ?? 1,
    honorAffinity: c.nodeAffinityPolicy !== 'Ignore', honorTaints: c.nodeTaintsPolicy === 'Honor',
  };
}

export function podTopologySpread(h: Handle): Plugin {
  const eligible = (pod: PodInfo, c: Constraint, node: NodeInfo) =>
    (!c.honorAffinity || matchesNodeSelection(pod.spec, node)) &&
    (!c.honorTaints || node.taints.every(t => (t.effect !== 'NoSchedule' && t.effect !== 'NoExecute') || (pod.spec.tolerations ?? []).some(x => tolerates(x, t))));

  /** Whether the constraint leaves some node out for this pod (node affinity or taints to honour). */
  const restricts = (pod: PodInfo, c: Constraint) =>
    (c.honorAffinity && (!!pod.spec.nodeSelector || !!pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution)) || c.honorTaints;
  const hasKeys = (n: NodeInfo, keys: string[]) => {
    for (const k of keys) if (!(k in n.labels)) return false;
    return true;
  };

  /** Matching pods per domain of `c.key`, over nodes eligible for the pod and carrying all keys. */
  function domainCounts(pod: PodInfo, c: Constraint, keys: string[], nodes: NodeInfo[]): Map<string, number> {
    // Runs per pod over thousands of nodes: without affinity or taints to honour, every node with
    // the keys counts, and no per-node set is built.
    const counts = new Map<string, number>();
    const eligibleNodes = restricts(pod, c) ? new Set<NodeInfo>() : undefined;
    const among = nodes.length === h.cache.nodeCount ? undefined : new Set(nodes);
    if (!eligibleNodes && !among && keys.length === 1 && keys[0] === c.key) {
      // Every node with the key counts: its domains are the cache's, not a walk over the nodes.
      for (const v of h.cache.domainsOf(c.key)) counts.set(v, 0);
    } else {
      for (const n of nodes) {
        if (!hasKeys(n, keys)) continue;
        if (eligibleNodes) {
          if (!eligible(pod, c, n)) continue;
          eligibleNodes.add(n);
        }
        const v = n.labels[c.key];
        if (!counts.has(v)) counts.set(v, 0);
      }
    }
    for (const p of h.cache.candidates(c.selector)) {
      if (p.namespace !== pod.namespace || p.pod.metadata.deletionTimestamp || !c.selector.matches(p.labels)) continue;
      const name = h.cache.nodeOf(p.key);
      const node = name === undefined ? undefined : h.cache.nodes.get(name);
      if (!node?.hasNode || (among && !among.has(node))) continue;
      if (eligibleNodes ? !eligibleNodes.has(node) : !hasKeys(node, keys)) continue;
      const v = node.labels[c.key];
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    return counts;
  }

  function constraints(pod: PodInfo, mode: 'DoNotSchedule' | 'ScheduleAnyway'): { list: Constraint[]; defaulted: boolean } {
    const own = pod.spec.topologySpreadConstraints ?? [];
    if (own.length) return { list: own.filter(c => c.whenUnsatisfiable === mode).map(c => compile(pod, c)), defaulted: false };
    if (mode === 'DoNotSchedule') return { list: [], defaulted: false };
    const selector = h.defaultSelector(pod.pod);
    if (!selector || selector.empty) return { list: [], defaulted: true };
    return {
      list: SYSTEM_DEFAULT_CONSTRAINTS.map(d => ({ maxSkew: d.maxSkew, key: d.topologyKey, selector, minDomains: 1, honorAffinity: true, honorTaints: false })),
      defaulted: true,
    };
  }

  interface FilterState { list: Constraint[]; counts: Map<string, number>[]; min: number[] }
  interface ScoreState { list: Constraint[]; counts: Map<string, number>[]; weights: number[]; ignored: Set<string> }

  return {
    name: 'PodTopologySpread',
    events: ['Node', 'AssignedPod'],
    preFilter(s: CycleState, pod: PodInfo) {
      const { list } = constraints(pod, 'DoNotSchedule');
      if (!list.length) return SKIP;
      const keys = list.map(c => c.key);
      const all = h.cache.nodeList();
      const counts = list.map(c => domainCounts(pod, c, keys, all));
      const min = counts.map((m, i) => (m.size < list[i].minDomains ? 0 : Math.min(...m.values())));
      s.write('PodTopologySpread/filter', { list, counts, min } satisfies FilterState);
      return null;
    },
    filter(s, pod, node) {
      const st = s.read<FilterState>('PodTopologySpread/filter')!;
      for (let i = 0; i < st.list.length; i++) {
        const c = st.list[i];
        const v = node.labels[c.key];
        if (v === undefined) return unresolvable(MISSING_LABEL);
        const self = c.selector.matches(pod.labels) ? 1 : 0;
        if ((st.counts[i].get(v) ?? 0) + self - st.min[i] > c.maxSkew) return unschedulable(SKEW);
      }
      return null;
    },
    preScore(s, pod, nodes) {
      const { list, defaulted } = constraints(pod, 'ScheduleAnyway');
      if (!list.length) return SKIP;
      const keys = list.map(c => c.key);
      const ignored = new Set<string>();
      if (!defaulted) for (const n of nodes) if (!keys.every(k => k in n.labels)) ignored.add(n.name);
      // A hostname domain is one node: only the nodes being scored need counting (as upstream).
      const counts = list.map(c => domainCounts(pod, c, defaulted ? [c.key] : keys, c.key === HOSTNAME ? nodes : h.cache.nodeList()));
      const weights = list.map(c => {
        const domains = new Set<string>();
        let size = 0;
        for (const n of nodes) {
          if (ignored.has(n.name) || !(c.key in n.labels)) continue;
          size++;
          domains.add(n.labels[c.key]);
        }
        return Math.log((c.key === HOSTNAME ? size : domains.size) + 2);
      });
      s.write('PodTopologySpread/score', { list, counts, weights, ignored } satisfies ScoreState);
      return null;
    },
    score(s, _pod, node) {
      const st = s.read<ScoreState>('PodTopologySpread/score')!;
      if (st.ignored.has(node.name)) return 0;
      let score = 0;
      for (let i = 0; i < st.list.length; i++) {
        const v = node.labels[st.list[i].key];
        if (v === undefined) continue;
        score += (st.counts[i].get(v) ?? 0) * st.weights[i] + (st.list[i].maxSkew - 1);
      }
      return Math.round(score);
    },
    normalizeScore(s, _pod, scores, nodes) {
      const st = s.read<ScoreState>('PodTopologySpread/score')!;
      let min = Infinity;
      let max = 0;
      nodes.forEach((n, i) => {
        if (st.ignored.has(n.name)) return;
        min = Math.min(min, scores[i]);
        max = Math.max(max, scores[i]);
      });
      nodes.forEach((n, i) => {
        if (st.ignored.has(n.name)) scores[i] = 0;
        else if (max === 0) scores[i] = MAX_NODE_SCORE;
        else scores[i] = Math.floor((MAX_NODE_SCORE * (max + min - scores[i])) / max);
      });
    },
  };
}
