// The PriorityClasses every cluster has (upstream's scheduling.SystemPriorityClasses): the API
// server creates them at start, and their names, values and globalDefault=false are reserved.
export interface SystemPriorityClass { name: string; value: number; description: string }

export const SYSTEM_PRIORITY_CLASSES: readonly SystemPriorityClass[] = [
  { name: 'system-node-critical', value: 2000001000, description: 'Used for system critical pods that must not be moved from their current node.' },
  { name: 'system-cluster-critical', value: 2000000000, description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.' },
];
