// The scheduler's scoring figures for a pod, beside the pod totals of api/pod-resources.ts.
import { CPU, MEMORY, requestsOf, toResourceList } from '../api/pod-resources.js';
import type { Pod } from './types.js';

// Scoring counts a container without requests as if it asked for this much (upstream's
// DefaultMilliCPURequest / DefaultMemoryRequest), so best-effort pods still spread out.
export const DEFAULT_MILLI_CPU = 100;
export const DEFAULT_MEMORY = 200 * 1024 * 1024;

/** cpu and memory for scoring: like podRequests, with the non-zero defaults per container. */
export function nonZeroRequests(pod: Pod): { cpu: number; memory: number } {
  let cpu = 0;
  let memory = 0;
  for (const c of pod.spec?.containers ?? []) {
    const r = requestsOf(c);
    cpu += r.has(CPU) ? r.get(CPU)! : DEFAULT_MILLI_CPU;
    memory += r.has(MEMORY) ? r.get(MEMORY)! : DEFAULT_MEMORY;
  }
  for (const c of pod.spec?.initContainers ?? []) {
    const r = requestsOf(c);
    cpu = Math.max(cpu, r.has(CPU) ? r.get(CPU)! : DEFAULT_MILLI_CPU);
    memory = Math.max(memory, r.has(MEMORY) ? r.get(MEMORY)! : DEFAULT_MEMORY);
  }
  const overhead = toResourceList(pod.spec?.overhead);
  return { cpu: cpu + (overhead.get(CPU) ?? 0), memory: memory + (overhead.get(MEMORY) ?? 0) };
}
