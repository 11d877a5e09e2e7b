// Whether a pod may go to a node by the node's labels, name and taints: spec.nodeSelector, required
// node affinity and tolerations, with upstream's semantics (component-helpers' nodeaffinity and
// v1helper.TolerationsTolerateTaint). One matcher for every caller: the scheduler's NodeAffinity,
// TaintToleration and PodTopologySpread plugins, and the DaemonSet controller's eligibility.
import type { NodeSelectorRequirement, NodeSelectorTerm, Taint, Toleration } from './types/generated.js';

/** What of a node the matchers read. */
export interface NodeIdentity {
  name: string;
  labels: Record<string, string>;
}

/** The pod spec fields that select nodes. */
export interface NodeSelection {
  nodeSelector?: Record<string, string>;
  affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: NodeSelectorTerm[] } } };
}

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  switch (r.operator) {
    case 'In': return value !== undefined && (r.values ?? []).includes(value);
    case 'NotIn': return value === undefined || !(r.values ?? []).includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
    case 'Gt':
    case 'Lt': {
      // Both sides must be integers, and the requirement has exactly one value.
      if (value === undefined || !/^-?\d+$/.test(value) || r.values?.length !== 1) return false;
      return r.operator === 'Gt' ? Number(value) > Number(r.values[0]) : Number(value) < Number(r.values[0]);
    }
    default: return false;
  }
}

/**
 * A term matches when all its requirements do; an empty term matches nothing. matchFields can only
 * name metadata.name (upstream rejects any other field, so such a term never matches).
 */
export function nodeSelectorTermMatches(term: NodeSelectorTerm, node: NodeIdentity): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  return exprs.every(r => requirementMatches(r, node.labels[r.key]))
    && fields.every(r => r.key === 'metadata.name' && requirementMatches(r, node.name));
}

/** spec.nodeSelector (every pair) and required node affinity (any term). */
export function matchesNodeSelection(spec: NodeSelection, node: NodeIdentity): boolean {
  const sel = spec.nodeSelector;
  if (sel) for (const k in sel) if (node.labels[k] !== sel[k]) return false;
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  return !terms || terms.some(t => nodeSelectorTermMatches(t, node));
}

/** Whether one toleration tolerates the taint, as upstream's Toleration.ToleratesTaint. */
export function tolerates(t: Toleration, taint: Pick<Taint, 'key' | 'value' | 'effect'>): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '':
    case 'Equal': return (t.value ?? '') === (taint.value ?? '');
    case 'Exists': return true;
    default: return false;
  }
}
