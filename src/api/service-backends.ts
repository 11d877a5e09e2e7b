// Which pods back a Service, as the Endpoints and EndpointSlice controllers decide it and as the
// why API explains it: the selector, a pod's eligibility (an IP, not finished, not terminating) and
// its target port for each service port (by number, or by container port name).
import type { Pod, Service, ServicePort } from './types/generated.js';

/** A service with a selector and not of type ExternalName is managed; the others are left to users. */
export function managesEndpoints(svc: Pick<Service, 'spec'>): boolean {
  const sel = svc.spec?.selector;
  return !!sel && Object.keys(sel).length > 0 && svc.spec?.type !== 'ExternalName';
}

export function selects(svc: Pick<Service, 'spec'>, pod: { metadata?: { labels?: Record<string, string> } }): boolean {
  const sel = svc.spec?.selector ?? {};
  const labels = pod.metadata?.labels ?? {};
  return Object.entries(sel).every(([k, v]) => labels[k] === v);
}

export function podIP(pod: Pick<Pod, 'status'>): string | undefined {
  return pod.status?.podIP || pod.status?.podIPs?.[0]?.ip;
}

/** Upstream ShouldPodBeInEndpoints: has an IP, has not finished, and (unless included) not terminating. */
export function shouldPodBeInEndpoints(pod: Pick<Pod, 'status' | 'metadata'>, includeTerminating: boolean): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  if (!podIP(pod)) return false;
  return includeTerminating || !pod.metadata?.deletionTimestamp;
}

/** The pod's port for a service port: a number as is, a name looked up among container ports. */
export function resolveTargetPort(port: ServicePort, pod: Pick<Pod, 'spec'>): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = port.protocol ?? 'TCP';
  for (const c of pod.spec?.containers ?? []) {
    for (const cp of c.ports ?? []) if (cp.name === target && (cp.protocol ?? 'TCP') === protocol) return cp.containerPort;
  }
  return undefined;
}
