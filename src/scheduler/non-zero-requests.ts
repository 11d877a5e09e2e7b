// The scheduler's scoring figures for a pod, beside the pod totals of api/pod-resources.ts.
import { CPU, MEMORY, podRequests, type MilliResourceList } from '../api/pod-resources.js';
import type { Pod } from './types.js';

// Scoring counts a container without requests as if it asked for this much (upstream's
// DefaultMilliCPURequest / DefaultMemoryRequest), so best-effort pods still spread out.
const DEFAULT_MILLI_CPU = 100;
const DEFAULT_MEMORY = 200 * 1024 * 1024;

/** The defaults in milli-units, as upstream's scoring passes them to PodRequests (NonMissingContainerRequests). */
const SCORING_DEFAULTS: MilliResourceList = new Map([[CPU, BigInt(DEFAULT_MILLI_CPU)], [MEMORY, BigInt(DEFAULT_MEMORY) * 1000n]]);

/**
 * cpu and memory for scoring: the pod's requests as upstream's PodRequests totals them (sidecar
 * init containers add up, overhead included), with the defaults for a container that asks none.
 */
export function nonZeroRequests(pod: Pod): { cpu: number; memory: number } {
  const r = podRequests(pod, SCORING_DEFAULTS);
  return { cpu: r.get(CPU) ?? 0, memory: r.get(MEMORY) ?? 0 };
}
