// Everything the plugins need from a pod, computed once when the pod is seen: requests, host ports,
// tolerations and compiled affinity terms. Plugins never re-parse a pod inside the node loop.
import { LabelSelector } from '../api/selectors/label-selector.js';
import { CPU, EPHEMERAL, MEMORY, PODS, podRequests, type ResourceList } from '../api/pod-resources.js';
import { nonZeroRequests } from './non-zero-requests.js';
import { podKeyOf, type Pod, type PodAffinityTerm, type PodSpec } from './types.js';

export interface AffinityTerm {
  selector: LabelSelector;
  /** Namespaces named explicitly, or the pod's own when neither list nor selector is given. */
  namespaces: Set<string>;
  namespaceSelector: LabelSelector | null;
  topologyKey: string;
}

export interface WeightedAffinityTerm extends AffinityTerm { weight: number }

export interface HostPort { ip: string; protocol: string; port: number }

export type NamespaceLabels = (namespace: string) => Record<string, string> | undefined;

export function compileTerm(pod: Pod, t: PodAffinityTerm): AffinityTerm {
  const sel = LabelSelector.fromObject(t.labelSelector ?? null) ?? new LabelSelector([{ key: '\0never', operator: 'Exists', values: [] }]);
  // matchLabelKeys / mismatchLabelKeys fold the incoming pod's own label values into the selector.
  const labels = pod.metadata.labels ?? {};
  const extra = [
    ...(t.matchLabelKeys ?? []).filter(k => k in labels).map(k => ({ key: k, operator: 'In' as const, values: [labels[k]] })),
    ...(t.mismatchLabelKeys ?? []).filter(k => k in labels).map(k => ({ key: k, operator: 'NotIn' as const, values: [labels[k]] })),
  ];
  const selector = extra.length ? new LabelSelector([...sel.requirements, ...extra]) : sel;
  const namespaceSelector = LabelSelector.fromObject(t.namespaceSelector ?? null);
  const namespaces = new Set(t.namespaces ?? []);
  if (namespaces.size === 0 && !namespaceSelector) namespaces.add(pod.metadata.namespace ?? 'default');
  return { selector, namespaces, namespaceSelector, topologyKey: t.topologyKey };
}

/** Whether `term` (of some pod) selects `other`. */
export function termMatches(term: AffinityTerm, other: PodInfo, nsLabels: NamespaceLabels): boolean {
  if (!term.namespaces.has(other.namespace)) {
    if (!term.namespaceSelector || !term.namespaceSelector.matches(nsLabels(other.namespace) ?? {})) return false;
  }
  return term.selector.matches(other.labels);
}

const BUILTIN = new Set([CPU, MEMORY, EPHEMERAL, PODS]);
/** What a pod without a spec asks for: nothing (the API server never stores one, but the type allows it). */
const NO_SPEC: PodSpec = Object.freeze({ containers: [] });

export class PodInfo {
  readonly key: string;
  /** The pod's spec, so plugins need not handle a missing one. */
  readonly spec: PodSpec;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly priority: number;
  readonly requests: ResourceList;
  readonly cpuRequest: number;
  readonly memoryRequest: number;
  readonly ephemeralRequest: number;
  /** Requests of extended resources (anything but cpu, memory, ephemeral-storage, pods), non-zero. */
  readonly extendedRequests: [string, number][];
  readonly nonZero: { cpu: number; memory: number };
  readonly hostPorts: HostPort[];
  readonly requiredAffinity: AffinityTerm[];
  readonly requiredAntiAffinity: AffinityTerm[];
  readonly preferredAffinity: WeightedAffinityTerm[];
  readonly preferredAntiAffinity: WeightedAffinityTerm[];

  constructor(readonly pod: Pod) {
    this.key = podKeyOf(pod);
    this.spec = pod.spec ?? NO_SPEC;
    this.namespace = pod.metadata.namespace ?? 'default';
    this.labels = pod.metadata.labels ?? {};
    this.priority = this.spec.priority ?? 0;
    this.requests = podRequests(pod);
    this.cpuRequest = this.requests.get(CPU) ?? 0;
    this.memoryRequest = this.requests.get(MEMORY) ?? 0;
    this.ephemeralRequest = this.requests.get(EPHEMERAL) ?? 0;
    this.extendedRequests = [...this.requests].filter(([name, want]) => want !== 0 && !BUILTIN.has(name));
    this.nonZero = nonZeroRequests(pod);
    this.hostPorts = [];
    for (const c of [...(this.spec.initContainers ?? []), ...this.spec.containers]) {
      for (const p of c.ports ?? []) {
        if (p.hostPort && p.hostPort > 0) this.hostPorts.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol ?? 'TCP', port: p.hostPort });
      }
    }
    const a = this.spec.affinity;
    this.requiredAffinity = (a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map(t => compileTerm(pod, t));
    this.requiredAntiAffinity = (a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map(t => compileTerm(pod, t));
    this.preferredAffinity = (a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map(w => ({ ...compileTerm(pod, w.podAffinityTerm), weight: w.weight }));
    this.preferredAntiAffinity = (a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map(w => ({ ...compileTerm(pod, w.podAffinityTerm), weight: w.weight }));
  }

  get hasAffinity(): boolean {
    return this.requiredAffinity.length + this.requiredAntiAffinity.length + this.preferredAffinity.length + this.preferredAntiAffinity.length > 0;
  }
}
