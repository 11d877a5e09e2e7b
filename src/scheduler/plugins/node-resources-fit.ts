// NodeResourcesFit: the pod's requests (cpu, memory, ephemeral-storage, extended resources) and one
// more pod must fit in what the node has left. Scores favour the least allocated nodes (spreading,
// the default) or the most allocated (packing).
import { MAX_NODE_SCORE, unschedulable, type Plugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';

export type ScoringStrategy = 'LeastAllocated' | 'MostAllocated';

/** Why the pod does not fit, in upstream's order and wording; empty when it fits. */
export function insufficientResources(pod: PodInfo, node: NodeInfo): readonly string[] {
  // Runs for every pod on hundreds of nodes: the common "fits" answer allocates nothing.
  const tooManyPods = node.podCount + 1 > node.allocPods;
  const cpu = pod.cpuRequest > 0 && pod.cpuRequest > node.allocCpu - node.reqCpu;
  const mem = pod.memoryRequest > 0 && pod.memoryRequest > node.allocMemory - node.reqMemory;
  const eph = pod.ephemeralRequest > 0 && pod.ephemeralRequest > node.allocEphemeral - node.reqEphemeral;
  const short = pod.extendedRequests.length ? pod.extendedRequests.filter(([name, want]) => want > (node.allocatable.get(name) ?? 0) - (node.requested.get(name) ?? 0)) : NONE;
  if (!tooManyPods && !cpu && !mem && !eph && !short.length) return FITS;
  const reasons: string[] = [];
  if (tooManyPods) reasons.push('Too many pods');
  if (cpu) reasons.push('Insufficient cpu');
  if (mem) reasons.push('Insufficient memory');
  if (eph) reasons.push('Insufficient ephemeral-storage');
  for (const [name] of short) reasons.push(`Insufficient ${name}`);
  return reasons;
}

const NONE: [string, number][] = [];
const FITS: readonly string[] = [];

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
