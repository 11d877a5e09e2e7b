// NodeAffinity: spec.nodeSelector and required node affinity must match the node's labels (and
// metadata.name for matchFields); preferred terms add their weights to the score.
import { normalizeByMax, SKIP, unresolvable, type Plugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { Pod, NodeSelectorRequirement, NodeSelectorTerm } from '../types.js';

const REASON = "node(s) didn't match Pod's node affinity/selector";

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  switch (r.operator) {
    case 'In': return value !== undefined && (r.values ?? []).includes(value);
    case 'NotIn': return value === undefined || !(r.values ?? []).includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
    case 'Gt': return value !== undefined && /^-?\d+$/.test(value) && Number(value) > Number(r.values?.[0]);
    case 'Lt': return value !== undefined && /^-?\d+$/.test(value) && Number(value) < Number(r.values?.[0]);
    default: return false;
  }
}

/** A term matches when all its requirements do; an empty term matches nothing (as upstream). */
export function termMatches(term: NodeSelectorTerm, node: NodeInfo): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  return exprs.every(r => requirementMatches(r, node.labels[r.key])) &&
    fields.every(r => requirementMatches(r, r.key === 'metadata.name' ? node.name : undefined));
}

/** nodeSelector and required node affinity (terms ORed), as the DaemonSet and spreading also use. */
export function nodeMatchesPod(pod: Pod, node: NodeInfo): boolean {
  const sel = pod.spec.nodeSelector;
  if (sel) for (const k in sel) if (node.labels[k] !== sel[k]) return false;
  const terms = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  return !terms || terms.some(t => termMatches(t, node));
}

export const nodeAffinity: Plugin = {
  name: 'NodeAffinity',
  events: ['Node'],
  preFilter(_s, pod) {
    const spec = pod.pod.spec;
    const hasSelector = spec.nodeSelector && Object.keys(spec.nodeSelector).length > 0;
    return hasSelector || spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution ? null : SKIP;
  },
  filter: (_s, pod, node) => (nodeMatchesPod(pod.pod, node) ? null : unresolvable(REASON)),
  preScore: (_s, pod) => (pod.pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length ? null : SKIP),
  score(_s, pod, node) {
    let sum = 0;
    for (const p of pod.pod.spec.affinity!.nodeAffinity!.preferredDuringSchedulingIgnoredDuringExecution!) {
      if (p.weight && termMatches(p.preference, node)) sum += p.weight;
    }
    return sum;
  },
  normalizeScore: (_s, _pod, scores) => normalizeByMax(scores, false),
};
