// The default profile: upstream's default plugin set and score weights (1.32).
import type { Handle, Plugin } from './framework.js';
import { balancedAllocation } from './plugins/balanced-allocation.js';
import { defaultPreemption, type DisruptionBudget } from './plugins/default-preemption.js';
import { imageLocality } from './plugins/image-locality.js';
import { interPodAffinity } from './plugins/inter-pod-affinity.js';
import { nodeAffinity } from './plugins/node-affinity.js';
import { nodeName } from './plugins/node-name.js';
import { nodePorts } from './plugins/node-ports.js';
import { nodeResourcesFit, type ScoringStrategy } from './plugins/node-resources-fit.js';
import { nodeUnschedulable } from './plugins/node-unschedulable.js';
import { podTopologySpread } from './plugins/pod-topology-spread.js';
import { prioritySort } from './plugins/priority-sort.js';
import { schedulingGates } from './plugins/scheduling-gates.js';
import { taintToleration } from './plugins/taint-toleration.js';
import { volumeBinding } from './plugins/volume-binding.js';
import type { ProfileConfig } from './profile.js';

export const DEFAULT_WEIGHTS: Record<string, number> = {
  TaintToleration: 3, NodeAffinity: 2, PodTopologySpread: 2, InterPodAffinity: 2,
  NodeResourcesFit: 1, NodeResourcesBalancedAllocation: 1, ImageLocality: 1,
};

export interface ProfileOptions {
  schedulerName: string;
  scoringStrategy?: ScoringStrategy;
}

export function defaultProfile(h: Handle, pdbs: () => DisruptionBudget[], o: ProfileOptions): ProfileConfig {
  // Filter order is upstream's: cheap, decisive checks first.
  const plugins: Plugin[] = [
    schedulingGates, prioritySort, nodeUnschedulable, nodeName, taintToleration, nodeAffinity, nodePorts,
    nodeResourcesFit(o.scoringStrategy), volumeBinding(h), podTopologySpread(h), interPodAffinity(h),
    balancedAllocation, imageLocality(h), defaultPreemption(h, pdbs),
  ];
  return { schedulerName: o.schedulerName, plugins, weights: DEFAULT_WEIGHTS };
}
