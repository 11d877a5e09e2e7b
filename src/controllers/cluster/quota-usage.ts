// What an object counts against a ResourceQuota, as upstream's quota evaluators: object counts
// (`pods`, `services`, `count/<resource>.<group>`...), pod compute requests and limits, NodePorts and
// load balancers, PVC storage; and the pod scopes (Terminating, BestEffort, ...). Values are
// milli-units (see quantity.ts).
import type { KubeObject } from '../../api/object.js';
import { countOf, parseQuantity } from './quantity.js';
import type { Container, Pod } from './types.js';

export type Usage = Map<string, bigint>;

export interface GroupResource { group: string; resource: string }

/** Resources whose plain name is also a quota key (`pods`, `services`, ...). */
const LEGACY_COUNTED = new Set(['pods', 'services', 'configmaps', 'secrets', 'persistentvolumeclaims', 'replicationcontrollers', 'resourcequotas']);
const COMPUTE_ALIASES = new Set(['cpu', 'memory', 'ephemeral-storage']);

export const countKey = (gr: GroupResource) => `count/${gr.resource}${gr.group ? '.' + gr.group : ''}`;

function add(u: Usage, key: string, v: bigint): void {
  u.set(key, (u.get(key) ?? 0n) + v);
}

export function isTerminalPod(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** Requests or limits of a pod: max(sum of containers, each init container) plus overhead. */
function podResources(pod: Pod, kind: 'requests' | 'limits'): Usage {
  const sum: Usage = new Map();
  const of = (c: Container) => Object.entries(c.resources?.[kind] ?? {});
  for (const c of pod.spec?.containers ?? []) for (const [r, q] of of(c)) add(sum, r, parseQuantity(String(q)));
  for (const c of pod.spec?.initContainers ?? []) {
    for (const [r, q] of of(c)) {
      const v = parseQuantity(String(q));
      if (v > (sum.get(r) ?? 0n)) sum.set(r, v);
    }
  }
  for (const [r, q] of Object.entries(pod.spec?.overhead ?? {})) if (sum.has(r) || kind === 'requests') add(sum, r, parseQuantity(String(q)));
  return sum;
}

export function podUsage(pod: Pod): Usage {
  const u: Usage = new Map();
  if (isTerminalPod(pod)) return u;
  u.set('pods', countOf(1));
  u.set('count/pods', countOf(1));
  for (const [r, v] of podResources(pod, 'requests')) {
    add(u, `requests.${r}`, v);
    if (COMPUTE_ALIASES.has(r)) add(u, r, v);
  }
  for (const [r, v] of podResources(pod, 'limits')) add(u, `limits.${r}`, v);
  return u;
}

export function usageOf(gr: GroupResource, obj: KubeObject): Usage {
  if (gr.group === '' && gr.resource === 'pods') return podUsage(obj as Pod);
  const u: Usage = new Map([[countKey(gr), countOf(1)]]);
  if (gr.group !== '') return u;
  if (LEGACY_COUNTED.has(gr.resource)) u.set(gr.resource, countOf(1));
  if (gr.resource === 'services') {
    const spec = (obj.spec ?? {}) as { type?: string; ports?: { nodePort?: number }[] };
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') u.set('services.nodeports', countOf((spec.ports ?? []).length));
    if (spec.type === 'LoadBalancer') u.set('services.loadbalancers', countOf(1));
  }
  if (gr.resource === 'persistentvolumeclaims') {
    const storage = (obj.spec as { resources?: { requests?: { storage?: string } } } | undefined)?.resources?.requests?.storage;
    if (storage) u.set('requests.storage', parseQuantity(storage));
  }
  return u;
}

export type QuotaScope = 'Terminating' | 'NotTerminating' | 'BestEffort' | 'NotBestEffort';

function isBestEffort(pod: Pod): boolean {
  return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]
    .every(c => !Object.keys(c.resources?.requests ?? {}).length && !Object.keys(c.resources?.limits ?? {}).length);
}

/** Whether an object falls under a quota's scopes; scopes only ever select pods. */
export function matchesScopes(gr: GroupResource, obj: KubeObject, scopes: string[] | undefined): boolean {
  if (!scopes?.length) return true;
  if (gr.group !== '' || gr.resource !== 'pods') return false;
  const pod = obj as Pod;
  return scopes.every(s => {
    switch (s) {
      case 'Terminating': return pod.spec?.activeDeadlineSeconds !== undefined && pod.spec?.activeDeadlineSeconds >= 0;
      case 'NotTerminating': return pod.spec?.activeDeadlineSeconds === undefined;
      case 'BestEffort': return isBestEffort(pod);
      case 'NotBestEffort': return !isBestEffort(pod);
      default: return false;
    }
  });
}

/** Sums the usage of objects, keeping only the quota's keys (each present, zero if unused). */
export function sumUsage(keys: string[], items: { gr: GroupResource; obj: KubeObject }[], scopes?: string[]): Usage {
  const total: Usage = new Map(keys.map(k => [k, 0n]));
  for (const { gr, obj } of items) {
    if (!matchesScopes(gr, obj, scopes)) continue;
    for (const [k, v] of usageOf(gr, obj)) if (total.has(k)) add(total, k, v);
  }
  return total;
}

/** The group/resource whose objects a quota key counts, if it is one object kind's. */
export function resourceForKey(key: string): GroupResource | 'pods' | undefined {
  if (key.startsWith('count/')) {
    const [resource, ...group] = key.slice(6).split('.');
    return { resource, group: group.join('.') };
  }
  if (LEGACY_COUNTED.has(key)) return { group: '', resource: key };
  if (key.startsWith('services.')) return { group: '', resource: 'services' };
  if (key === 'requests.storage') return { group: '', resource: 'persistentvolumeclaims' };
  return 'pods';
}
