// TaintToleration: NoSchedule and NoExecute taints exclude a node unless tolerated; untolerated
// PreferNoSchedule taints lower its score.
import { normalizeByMax, SKIP, unresolvable, type Plugin } from '../framework.js';
import { tolerates } from '../../api/node-selection.js';
import type { NodeInfo } from '../node-info.js';
import type { Toleration } from '../types.js';

const ENFORCED = new Set(['NoSchedule', 'NoExecute']);

// Runs over every feasible node per pod: an indexed loop allocates no iterator.
function hasPreferNoSchedule(nodes: NodeInfo[]): boolean {
  for (let i = 0; i < nodes.length; i++) {
    const taints = nodes[i].taints;
    for (let j = 0; j < taints.length; j++) if (taints[j].effect === 'PreferNoSchedule') return true;
  }
  return false;
}

export const taintToleration: Plugin = {
  name: 'TaintToleration',
  events: ['Node'],
  filter(_s, pod, node) {
    if (node.taints.length === 0) return null;
    const tolerations = pod.spec.tolerations ?? [];
    for (const taint of node.taints) {
      if (!ENFORCED.has(taint.effect)) continue;
      if (!tolerations.some(t => tolerates(t, taint))) return unresolvable(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
    }
    return null;
  },
  preScore(s, pod, nodes) {
    if (!hasPreferNoSchedule(nodes)) return SKIP;
    s.write('TaintToleration', (pod.spec.tolerations ?? []).filter(t => !t.effect || t.effect === 'PreferNoSchedule'));
    return null;
  },
  score(s, _pod, node) {
    const tolerations = s.read<Toleration[]>('TaintToleration') ?? [];
    let n = 0;
    for (const taint of node.taints) if (taint.effect === 'PreferNoSchedule' && !tolerations.some(t => tolerates(t, taint))) n++;
    return n;
  },
  normalizeScore: (_s, _pod, scores) => normalizeByMax(scores, true),
};
