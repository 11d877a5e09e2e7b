// A pod's resources as upstream's PodRequests and PodLimits total them (the scheduler and the
// kubelet's admission and cgroups use them), as plain numbers: cpu in millicores (upstream's
// MilliValue), everything else in whole units (bytes, pods, devices; its Value), both rounded up.
// Quantities are parsed once per pod or node with the one exact parser, never in the hot loop,
// which adds plain numbers.
import { parseQuantity, QuantityParseError, scaledValue } from './quantity.js';
import type { Container, Pod, Quantity } from './types/generated.js';

type PodLike = Pick<Pod, 'spec'>;

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

export const requestsOf = (c: Container) => toResourceList(c.resources?.requests);
const limitsOf = (c: Container) => toResourceList(c.resources?.limits);

/**
 * A pod's containers' amounts as upstream's PodRequests/PodLimits add them up: the containers'
 * sum, raised to any single init container's need (restartable "sidecar" init containers run
 * alongside and add up). `seen` gets each container's amounts, an init container's with the
 * sidecars started before it, as upstream's ContainerFn does.
 */
function containersTotal(pod: PodLike, of: (c: Container) => ResourceList, seen?: (amounts: ResourceList) => void): ResourceList {
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
export function podRequests(pod: PodLike): ResourceList {
  const total = containersTotal(pod, requestsOf);
  addInto(total, toResourceList(pod.spec?.overhead));
  return total;
}

/**
 * A pod's limits, as upstream's PodLimits: its containers' total, plus the pod overhead for the
 * resources some container limits. `seen` as for the total above (the kubelet asks whether every
 * container limits a resource).
 */
export function podLimits(pod: PodLike, seen?: (limits: ResourceList) => void): ResourceList {
  const total = containersTotal(pod, limitsOf, seen);
  for (const [name, v] of toResourceList(pod.spec?.overhead)) if (total.has(name)) total.set(name, total.get(name)! + v);
  return total;
}
