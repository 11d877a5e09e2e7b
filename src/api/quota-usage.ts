// What an object counts against a ResourceQuota, as upstream's quota evaluators: object counts
// (`pods`, `services`, `count/<resource>.<group>`...), pod compute requests and limits (the pod's
// totals as upstream's PodRequests/PodLimits make them, pod-resources.ts), NodePorts and load
// balancers, PVC storage; and the pod scopes (Terminating, BestEffort, ...). Values are milli-units
// (see quantity.ts).
import type { KubeObject } from './object.js';
import { podQos } from './pod-qos.js';
import { isPodTerminal } from './pod-state.js';
import { podLimitsMilli, podRequestsMilli } from './pod-resources.js';
import { parseMilli } from './quantity.js';
import type { Pod } from './types/generated.js';
import { isExtendedResourceName, isHugePages } from './validation/resources.js';

export type Usage = Map<string, bigint>;

export interface GroupResource { group: string; resource: string }

/** Resources whose plain name is also a quota key (`pods`, `services`, ...). */
const LEGACY_COUNTED = new Set(['pods', 'services', 'configmaps', 'secrets', 'persistentvolumeclaims', 'replicationcontrollers', 'resourcequotas']);
const COMPUTE_ALIASES = new Set(['cpu', 'memory', 'ephemeral-storage']);

export const countKey = (gr: GroupResource) => `count/${gr.resource}${gr.group ? '.' + gr.group : ''}`;

/** Whole-number counts are milli-units too. */
const countOf = (n: number) => BigInt(n) * 1000n;

function add(u: Usage, key: string, v: bigint): void {
  u.set(key, (u.get(key) ?? 0n) + v);
}

/**
 * Whether a pod is charged compute resources (and `pods`), as upstream's QuotaV1Pod: not once it
 * has finished, nor once its deletion's grace period is over (a pod stuck terminating on a lost
 * node would otherwise hold its quota).
 */
function chargesCompute(pod: Pod, nowMs: number): boolean {
  if (isPodTerminal(pod)) return false;
  const { deletionTimestamp, deletionGracePeriodSeconds } = pod.metadata ?? {};
  return !deletionTimestamp || deletionGracePeriodSeconds === undefined || Date.parse(deletionTimestamp) + deletionGracePeriodSeconds * 1000 >= nowMs;
}

/**
 * A pod's usage, as upstream's PodUsageFunc: `count/pods` always (object counts track every pod
 * stored); while it is charged, `pods`, its requests of cpu, memory and ephemeral-storage under
 * both their plain and `requests.` names, their limits under `limits.`, huge pages under both
 * names, and extended resources' requests under `requests.` only.
 */
export function podUsage(pod: Pod, nowMs = Date.now()): Usage {
  const u: Usage = new Map([['count/pods', countOf(1)]]);
  if (!chargesCompute(pod, nowMs)) return u;
  u.set('pods', countOf(1));
  for (const [r, v] of podRequestsMilli(pod)) {
    if (COMPUTE_ALIASES.has(r) || isHugePages(r)) u.set(r, v);
    if (COMPUTE_ALIASES.has(r) || isHugePages(r) || isExtendedResourceName(r)) u.set(`requests.${r}`, v);
  }
  for (const [r, v] of podLimitsMilli(pod)) if (COMPUTE_ALIASES.has(r)) u.set(`limits.${r}`, v);
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
    if (storage) u.set('requests.storage', parseMilli(storage));
  }
  return u;
}

export type QuotaScope = 'Terminating' | 'NotTerminating' | 'BestEffort' | 'NotBestEffort';

const isBestEffort = (pod: Pod) => podQos(pod) === 'BestEffort';

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
