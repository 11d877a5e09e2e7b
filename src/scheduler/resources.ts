// Resource arithmetic as plain numbers: cpu in millicores (upstream's MilliValue), everything else
// in whole units (bytes, pods, devices; its Value), both rounded up. Quantities are parsed once per
// pod or node with the one exact parser, never in the hot loop, which adds plain numbers.
import { parseQuantity, QuantityParseError, scaledValue } from '../api/quantity.js';
import type { Container, Pod, Quantity } from './types.js';

export const CPU = 'cpu';
export const MEMORY = 'memory';
export const EPHEMERAL = 'ephemeral-storage';
export const PODS = 'pods';

/** A resource amount per name; cpu in millicores. */
export type ResourceList = Map<string, number>;

export function toResourceList(list: Record<string, Quantity> | undefined): ResourceList {
  const out: ResourceList = new Map();
  for (const [name, q] of Object.entries(list ?? {})) {
    try {
      out.set(name, Number(scaledValue(parseQuantity(q), name === CPU ? -3 : 0)));
    } catch (err) {
      if (!(err instanceof QuantityParseError)) throw err;
    }
  }
  return out;
}

function addInto(into: ResourceList, add: ResourceList): void {
  for (const [k, v] of add) into.set(k, (into.get(k) ?? 0) + v);
}

function maxInto(into: ResourceList, other: ResourceList): void {
  for (const [k, v] of other) if (v > (into.get(k) ?? 0)) into.set(k, v);
}

const requestsOf = (c: Container) => toResourceList(c.resources?.requests);
const limitsOf = (c: Container) => toResourceList(c.resources?.limits);

/**
 * A pod's containers' amounts as upstream's PodRequests/PodLimits add them up: the containers'
 * sum, raised to any single init container's need (restartable "sidecar" init containers run
 * alongside and add up). `seen` gets each container's amounts, an init container's with the
 * sidecars started before it, as upstream's ContainerFn does.
 */
function containersTotal(pod: Pod, of: (c: Container) => ResourceList, seen?: (amounts: ResourceList) => void): ResourceList {
  const total: ResourceList = new Map();
  for (const c of pod.spec?.containers ?? []) {
    const r = of(c);
    seen?.(r);
    addInto(total, r);
  }
  const sidecars: ResourceList = new Map();
  const initMax: ResourceList = new Map();
  for (const c of pod.spec?.initContainers ?? []) {
    const r = of(c);
    if (c.restartPolicy === 'Always') addInto(sidecars, r);
    const running = new Map(sidecars);
    if (c.restartPolicy !== 'Always') addInto(running, r);
    seen?.(running);
    maxInto(initMax, running);
  }
  addInto(total, sidecars);
  maxInto(total, initMax);
  return total;
}

/** What a pod asks of a node, as upstream's PodRequests: its containers' total plus the pod overhead. */
export function podRequests(pod: Pod): ResourceList {
  const total = containersTotal(pod, requestsOf);
  addInto(total, toResourceList(pod.spec?.overhead));
  return total;
}

/**
 * A pod's limits, as upstream's PodLimits: its containers' total, plus the pod overhead for the
 * resources some container limits. `seen` as for the total above (the kubelet asks whether every
 * container limits a resource).
 */
export function podLimits(pod: Pod, seen?: (limits: ResourceList) => void): ResourceList {
  const total = containersTotal(pod, limitsOf, seen);
  for (const [name, v] of toResourceList(pod.spec?.overhead)) if (total.has(name)) total.set(name, total.get(name)! + v);
  return total;
}

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
