// Which nodes a DaemonSet runs on (upstream NodeShouldRunDaemonPod): the pod template's nodeName,
// nodeSelector and required node affinity must fit the node, and its taints must be tolerated —
// counting the tolerations the controller adds to every daemon pod. A pod already running may stay
// on a node whose NoSchedule taints it does not tolerate, as long as it tolerates the NoExecute ones.
import { matchesNodeSelection, tolerates } from '../../api/node-selection.js';
import type { Node, PodSpec, Taint, Toleration } from './types.js';

/** Tolerations every daemon pod gets, so node problems never evict or block node-level agents. */
export function defaultDaemonTolerations(spec: Partial<PodSpec>): Toleration[] {
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
export function withDaemonTolerations(spec: Partial<PodSpec>): Toleration[] {
  const own = spec.tolerations ?? [];
  const missing = defaultDaemonTolerations(spec).filter(d => !own.some(o => o.key === d.key && o.effect === d.effect && (o.operator ?? 'Equal') === 'Exists'));
  return [...own, ...missing];
}

function untolerated(taints: Taint[], tolerations: Toleration[], effects: Set<string>): Taint | undefined {
  return taints.find(taint => effects.has(taint.effect) && !tolerations.some(t => tolerates(t, taint)));
}

export interface NodeVerdict {
  /** A daemon pod should be created here. */
  shouldRun: boolean;
  /** An existing daemon pod may stay here. */
  shouldContinueRunning: boolean;
}

export function nodeShouldRunDaemonPod(template: Partial<PodSpec> | undefined, node: Node): NodeVerdict {
  const spec = template ?? {};
  if (spec.nodeName && spec.nodeName !== node.metadata.name) return { shouldRun: false, shouldContinueRunning: false };
  if (!matchesNodeSelection(spec, { name: node.metadata.name ?? '', labels: node.metadata.labels ?? {} })) return { shouldRun: false, shouldContinueRunning: false };
  const taints = node.spec?.taints ?? [];
  const tolerations = withDaemonTolerations(spec);
  if (untolerated(taints, tolerations, new Set(['NoSchedule', 'NoExecute']))) {
    return { shouldRun: false, shouldContinueRunning: !untolerated(taints, tolerations, new Set(['NoExecute'])) };
  }
  return { shouldRun: true, shouldContinueRunning: true };
}
