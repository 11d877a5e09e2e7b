// The downward API: pod fields and container resources as text, shared by env vars (fieldRef,
// resourceFieldRef) and downwardAPI volume files, with upstream's formats.
import { milliValue, parseQuantity } from '../api/quantity.js';
import type { Container, ObjectFieldSelector, ResourceFieldSelector } from '../api/types/generated.js';
import type { PodObject } from './types.js';

export class DownwardApiError extends Error {}

/** What the pod's own object does not say: the node's address and capacity for unset limits. */
export interface NodeFacts {
  hostIPs: string[];
  allocatable: Record<string, string | number>;
}

/** `key="value"` lines sorted by key, as upstream's FormatMap prints labels and annotations. */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {}).sort().map(k => `${k}=${JSON.stringify(m![k])}`).join('\n');
}

const subscript = /^metadata\.(labels|annotations)\['(.*)'\]$/;

/** A fieldRef's value. `podIPs` are the IPs the sandbox got (env is built after the sandbox starts). */
export function fieldValue(pod: PodObject, sel: ObjectFieldSelector, node: NodeFacts, podIPs: string[]): string {
  const path = sel.fieldPath;
  const m = subscript.exec(path);
  if (m) return (m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[m[2]] ?? '';
  switch (path) {
    case 'metadata.name': return pod.metadata.name ?? '';
    case 'metadata.namespace': return pod.metadata.namespace ?? '';
    case 'metadata.uid': return pod.metadata.uid ?? '';
    case 'metadata.labels': return formatMap(pod.metadata.labels);
    case 'metadata.annotations': return formatMap(pod.metadata.annotations);
    case 'spec.nodeName': return pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName': return pod.spec.serviceAccountName ?? '';
    case 'status.hostIP': return node.hostIPs[0] ?? '';
    case 'status.hostIPs': return node.hostIPs.join(',');
    case 'status.podIP': return podIPs[0] ?? '';
    case 'status.podIPs': return podIPs.join(',');
  }
  throw new DownwardApiError(`unsupported fieldPath: ${path}`);
}

/** A resourceFieldRef's value: unset limits fall back to the node's allocatable, as upstream. */
export function resourceValue(pod: PodObject, container: Container | undefined, sel: ResourceFieldSelector, node: NodeFacts): string {
  const c = sel.containerName ? findContainer(pod, sel.containerName) : container;
  if (!c) throw new DownwardApiError(`container ${sel.containerName ?? ''} not found`);
  const [kind, resource] = splitResource(sel.resource);
  const list = kind === 'limits' ? c.resources?.limits : c.resources?.requests;
  let value = list?.[resource];
  if (value === undefined && kind === 'limits') value = node.allocatable[resource];
  const milli = value === undefined ? 0n : milliValue(parseQuantity(value));
  const divisor = milliValue(parseQuantity(sel.divisor ?? '1'));
  if (divisor <= 0n) throw new DownwardApiError(`invalid divisor for ${sel.resource}`);
  // ceil(milli / divisor) for non-negative values, as upstream's math.Ceil on the quotient.
  return String((milli + divisor - 1n) / divisor);
}

function splitResource(r: string): ['limits' | 'requests', string] {
  const m = /^(limits|requests)\.(cpu|memory|ephemeral-storage|hugepages-.+)$/.exec(r);
  if (!m) throw new DownwardApiError(`unsupported container resource : ${r}`);
  return [m[1] as 'limits' | 'requests', m[2]];
}

function findContainer(pod: PodObject, name: string): Container | undefined {
  return [...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? [])].find(c => c.name === name);
}
