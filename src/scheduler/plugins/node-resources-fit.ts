// NodeResourcesFit: the pod's requests (cpu, memory, ephemeral-storage, extended resources) and one
// more pod must fit in what the node has left. Scores favour the least allocated nodes (spreading,
// the default) or the most allocated (packing).
import { MAX_NODE_SCORE, unschedulable, type Plugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { CPU, EPHEMERAL, MEMORY, PODS } from '../resources.js';

export type ScoringStrategy = 'LeastAllocated' | 'MostAllocated';

const BUILTIN = new Set([CPU, MEMORY, EPHEMERAL, PODS]);

/** Why the pod does not fit, in upstream's order and wording; empty when it fits. */
export function insufficientResources(pod: PodInfo, node: NodeInfo): string[] {
  const reasons: string[] = [];
  if (node.pods.size + 1 > node.allocPods) reasons.push('Too many pods');
  const r = pod.requests;
  if (r.size === 0) return reasons;
  const cpu = r.get(CPU) ?? 0;
  const mem = r.get(MEMORY) ?? 0;
  const eph = r.get(EPHEMERAL) ?? 0;
  if (cpu > 0 && cpu > node.allocCpu - node.reqCpu) reasons.push('Insufficient cpu');
  if (mem > 0 && mem > node.allocMemory - node.reqMemory) reasons.push('Insufficient memory');
  if (eph > 0 && eph > node.allocEphemeral - node.reqEphemeral) reasons.push('Insufficient ephemeral-storage');
  for (const [name, want] of r) {
    if (BUILTIN.has(name) || want === 0) continue;
    if (want > (node.allocatable.get(name) ?? 0) - (node.requested.get(name) ?? 0)) reasons.push(`Insufficient ${name}`);
  }
  return reasons;
}

function allocationScore(requested: number, allocatable: number, strategy: ScoringStrategy): number {
  if (allocatable === 0 || requested > allocatable) return 0;
  return strategy === 'LeastAllocated'
    ? Math.floor(((allocatable - requested) * MAX_NODE_SCORE) / allocatable)
    : Math.floor((requested * MAX_NODE_SCORE) / allocatable);
}

export function nodeResourcesFit(strategy: ScoringStrategy = 'LeastAllocated'): Plugin {
  return {
    name: 'NodeResourcesFit',
    events: ['Node', 'AssignedPod'],
    filter(_s, pod, node) {
      const reasons = insufficientResources(pod, node);
      return reasons.length ? unschedulable(...reasons) : null;
    },
    // cpu and memory, weight 1 each, counting request-less containers at the non-zero defaults.
    score(_s, pod, node) {
      const cpu = allocationScore(node.nonZeroCpu + pod.nonZero.cpu, node.allocCpu, strategy);
      const mem = allocationScore(node.nonZeroMemory + pod.nonZero.memory, node.allocMemory, strategy);
      return Math.floor((cpu + mem) / 2);
    },
  };
}
