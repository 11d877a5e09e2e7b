// A pod's resources as upstream's PodRequests and PodLimits total them (the scheduler, the kubelet's
// admission and cgroups, and the ResourceQuota's pod usage use them). Totals are made exactly, in
// milli-units (the quota charges them so); the scheduler and the kubelet take them as plain numbers:
// cpu in millicores (upstream's MilliValue), everything else in whole units (bytes, pods, devices;
// its Value), both rounded up, as upstream rounds the pod's total. Quantities are parsed once per
// pod or node with the one exact parser, never in the hot loop, which adds plain numbers.
import { milliValue, parseQuantity, QuantityParseError } from './quantity.js';
import type { Container, Pod, Quantity } from './types/generated.js';

type PodLike = Pick<Pod, 'spec'>;

export const CPU = 'cpu';
export const MEMORY = 'memory';
export const EPHEMERAL = 'ephemeral-storage';
export const PODS = 'pods';

/** A resource amount per name; cpu in millicores. */
export type ResourceList = Map<string, number>;

/** Exact amounts per name, in milli-units of each resource's unit (1 cpu is 1000n, 1 byte 1000n). */
export type MilliResourceList = Map<string, bigint>;

/** A resource list's amounts, exactly; an unparseable one (validation rejects it) is left out. */
export function toMilliResourceList(list: Record<string, Quantity> | undefined): MilliResourceList {
  const out: MilliResourceList = new Map();
  for (const [name, q] of Object.entries(list ?? {})) {
    try {
      out.set(name, milliValue(parseQuantity(q)));
    } catch (err) {
      if (!(err instanceof QuantityParseError)) throw err;
    }
  }
  return out;
}

/** Exact amounts as the scheduler's and kubelet's numbers: millicores for cpu, whole units (rounded up) for the rest. */
function toUnits(milli: MilliResourceList): ResourceList {
  const out: ResourceList = new Map();
  for (const [name, m] of milli) out.set(name, Number(name === CPU ? m : m >= 0n ? (m + 999n) / 1000n : m / 1000n));
  return out;
}

export const toResourceList = (list: Record<string, Quantity> | undefined): ResourceList => toUnits(toMilliResourceList(list));

function addInto(into: MilliResourceList, add: MilliResourceList): void {
  for (const [k, v] of add) into.set(k, (into.get(k) ?? 0n) + v);
}

function maxInto(into: MilliResourceList, other: MilliResourceList): void {
  for (const [k, v] of other) if (v > (into.get(k) ?? 0n)) into.set(k, v);
}

export const requestsOf = (c: Container) => toResourceList(c.resources?.requests);
const milliRequestsOf = (c: Container) => toMilliResourceList(c.resources?.requests);
const milliLimitsOf = (c: Container) => toMilliResourceList(c.resources?.limits);

function withNonMissing(requests: MilliResourceList, nonMissing: MilliResourceList): MilliResourceList {
  for (const [name, v] of nonMissing) if (!requests.has(name)) requests.set(name, v);
  return requests;
}

/**
 * A pod's containers' amounts as upstream's PodRequests/PodLimits add them up: the containers'
 * sum, raised to any single init container's need (restartable "sidecar" init containers run
 * alongside and add up). `seen` gets each container's amounts, an init container's with the
 * sidecars started before it, as upstream's ContainerFn does.
 */
function containersTotal(pod: PodLike, of: (c: Container) => MilliResourceList, seen?: (amounts: MilliResourceList) => void): MilliResourceList {
  const total: MilliResourceList = new Map();
  for (const c of pod.spec?.containers ?? []) {
    const r = of(c);
    seen?.(r);
    addInto(total, r);
  }
  const sidecars: MilliResourceList = new Map();
  const initMax: MilliResourceList = new Map();
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

/**
 * What a pod asks of a node, exactly, as upstream's PodRequests: its containers' total plus the pod
 * overhead. `nonMissing` is upstream's NonMissingContainerRequests: what a container (init
 * containers too) that requests none of a resource counts as asking.
 */
export function podRequestsMilli(pod: PodLike, nonMissing?: MilliResourceList): MilliResourceList {
  const of = nonMissing ? (c: Container) => withNonMissing(milliRequestsOf(c), nonMissing) : milliRequestsOf;
  const total = containersTotal(pod, of);
  addInto(total, toMilliResourceList(pod.spec?.overhead));
  return total;
}

/**
 * A pod's limits, exactly, as upstream's PodLimits: its containers' total, plus the pod overhead
 * for the resources some container limits. `seen` as for the total above (the kubelet asks whether
 * every container limits a resource).
 */
export function podLimitsMilli(pod: PodLike, seen?: (limits: MilliResourceList) => void): MilliResourceList {
  const total = containersTotal(pod, milliLimitsOf, seen);
  for (const [name, v] of toMilliResourceList(pod.spec?.overhead)) if (total.has(name)) total.set(name, total.get(name)! + v);
  return total;
}

/** podRequestsMilli in the scheduler's and kubelet's units. */
export const podRequests = (pod: PodLike, nonMissing?: MilliResourceList): ResourceList => toUnits(podRequestsMilli(pod, nonMissing));

/** podLimitsMilli in the scheduler's and kubelet's units. */
export const podLimits = (pod: PodLike, seen?: (limits: MilliResourceList) => void): ResourceList => toUnits(podLimitsMilli(pod, seen));
