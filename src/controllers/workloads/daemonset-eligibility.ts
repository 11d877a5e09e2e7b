// Which nodes a DaemonSet runs on (upstream NodeShouldRunDaemonPod): the pod template's nodeName,
// nodeSelector and required node affinity must fit the node, and its taints must be tolerated —
// counting the tolerations the controller adds to every daemon pod. A pod already running may stay
// on a node whose NoSchedule taints it does not tolerate, as long as it tolerates the NoExecute ones.
import type { Node, NodeSelectorRequirement, NodeSelectorTerm, PodSpec, Taint, Toleration } from './types.js';

/** Tolerations every daemon pod gets, so node problems never evict or block node-level agents. */
export function defaultDaemonTolerations(spec: PodSpec): Toleration[] {
  const t: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (spec.hostNetwork) t.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  return t;
}

/** The template's tolerations plus the defaults it does not already have. */
export function withDaemonTolerations(spec: PodSpec): Toleration[] {
  const own = spec.tolerations ?? [];
  const missing = defaultDaemonTolerations(spec).filter(d => !own.some(o => o.key === d.key && o.effect === d.effect && (o.operator ?? 'Equal') === 'Exists'));
  return [...own, ...missing];
}

export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (!t.key) return t.operator === 'Exists';
  if (t.key !== taint.key) return false;
  return t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '');
}

function untolerated(taints: Taint[], tolerations: Toleration[], effects: Set<string>): Taint | undefined {
  return taints.find(taint => effects.has(taint.effect) && !tolerations.some(t => tolerates(t, taint)));
}

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  switch (r.operator) {
    case 'In': return value !== undefined && (r.values ?? []).includes(value);
    case 'NotIn': return value === undefined || !(r.values ?? []).includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || !/^-?\d+$/.test(value) || r.values?.length !== 1) return false;
      return r.operator === 'Gt' ? Number(value) > Number(r.values[0]) : Number(value) < Number(r.values[0]);
    }
  }
}

function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  // An empty term selects nothing.
  if (!exprs.length && !fields.length) return false;
  return exprs.every(r => requirementMatches(r, node.metadata.labels?.[r.key]))
    && fields.every(r => r.key === 'metadata.name' && requirementMatches(r, node.metadata.name));
}

/** nodeSelector and required node affinity (terms are ORed, requirements within a term ANDed). */
export function fitsNodeAffinity(spec: PodSpec, node: Node): boolean {
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (node.metadata.labels?.[k] !== v) return false;
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return !required || required.nodeSelectorTerms.some(t => termMatches(t, node));
}

export interface NodeVerdict {
  /** A daemon pod should be created here. */
  shouldRun: boolean;
  /** An existing daemon pod may stay here. */
  shouldContinueRunning: boolean;
}

export function nodeShouldRunDaemonPod(template: PodSpec | undefined, node: Node): NodeVerdict {
  const spec = template ?? {};
  if (spec.nodeName && spec.nodeName !== node.metadata.name) return { shouldRun: false, shouldContinueRunning: false };
  if (!fitsNodeAffinity(spec, node)) return { shouldRun: false, shouldContinueRunning: false };
  const taints = node.spec?.taints ?? [];
  const tolerations = withDaemonTolerations(spec);
  if (untolerated(taints, tolerations, new Set(['NoSchedule', 'NoExecute']))) {
    return { shouldRun: false, shouldContinueRunning: !untolerated(taints, tolerations, new Set(['NoExecute'])) };
  }
  return { shouldRun: true, shouldContinueRunning: true };
}
