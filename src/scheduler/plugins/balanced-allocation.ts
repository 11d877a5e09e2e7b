// NodeResourcesBalancedAllocation: prefers nodes whose cpu and memory would be used in similar
// proportions after placing the pod (score 100 × (1 − standard deviation of the fractions)).
import { MAX_NODE_SCORE, type Plugin } from '../framework.js';

export const balancedAllocation: Plugin = {
  name: 'NodeResourcesBalancedAllocation',
  events: ['Node', 'AssignedPod'],
  score(_s, pod, node) {
    const cpu = node.allocCpu ? Math.min(1, (node.nonZeroCpu + pod.nonZero.cpu) / node.allocCpu) : 1;
    const mem = node.allocMemory ? Math.min(1, (node.nonZeroMemory + pod.nonZero.memory) / node.allocMemory) : 1;
    const std = Math.abs(cpu - mem) / 2;
    return Math.floor((1 - std) * MAX_NODE_SCORE);
  },
};
