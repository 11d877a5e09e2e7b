// What the Endpoints and EndpointSlice controllers share: which pods back a Service, each pod's
// target port for a service port (by number, or by container port name), and pod readiness.
import type { KubeObject } from '../../api/object.js';
import { R } from '../../client/resources.js';
import { inNamespace } from '../owner-index.js';
import type { ControllerContext } from '../types.js';
import type { Pod, Service, ServicePort } from './types.js';

/** A service with a selector and not of type ExternalName is managed; the others are left to users. */
export function managesEndpoints(svc: Service): boolean {
  const sel = svc.spec?.selector;
  return !!sel && Object.keys(sel).length > 0 && svc.spec?.type !== 'ExternalName';
}

export function selects(svc: Service, pod: KubeObject): boolean {
  const sel = svc.spec?.selector ?? {};
  const labels = pod.metadata.labels ?? {};
  return Object.entries(sel).every(([k, v]) => labels[k] === v);
}

export function podIP(pod: Pod): string | undefined {
  return pod.status?.podIP || pod.status?.podIPs?.[0]?.ip;
}

/** Upstream ShouldPodBeInEndpoints: has an IP, has not finished, and (unless included) not terminating. */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  if (!podIP(pod)) return false;
  return includeTerminating || !pod.metadata.deletionTimestamp;
}

/** The pod's port for a service port: a number as is, a name looked up among container ports. */
export function resolveTargetPort(port: ServicePort, pod: Pod): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = port.protocol ?? 'TCP';
  for (const c of pod.spec?.containers ?? []) {
    for (const cp of c.ports ?? []) if (cp.name === target && (cp.protocol ?? 'TCP') === protocol) return cp.containerPort;
  }
  return undefined;
}

export interface ResolvedPort { name?: string; port: number; protocol: string; appProtocol?: string }

/** A pod's resolved ports for the service; ports whose name the pod does not define are left out. */
export function podPorts(svc: Service, pod: Pod): ResolvedPort[] {
  const out: ResolvedPort[] = [];
  for (const p of svc.spec?.ports ?? []) {
    const port = resolveTargetPort(p, pod);
    if (port === undefined) continue;
    out.push({ ...(p.name ? { name: p.name } : {}), port, protocol: p.protocol ?? 'TCP', ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) });
  }
  return out;
}

export const portsKey = (ports: ResolvedPort[]) => JSON.stringify([...ports].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '') || a.port - b.port));

export const isHeadless = (svc: Service) => svc.spec?.clusterIP === 'None';

/** A pod's DNS hostname in the service: only when its subdomain names the service. */
export function podHostname(svc: Service, pod: Pod): string | undefined {
  return pod.spec?.hostname && pod.spec.subdomain === svc.metadata.name ? pod.spec.hostname : undefined;
}

/** Maps a pod to the keys of the services in its namespace that select it (for watches). */
/** Watch mapping of pods: the keys of the managed services in the pod's namespace that select it. */
export function servicesSelecting(pod: KubeObject, ctx: ControllerContext): string[] {
  const services = inNamespace(ctx.informer<Service>(R.services), pod.metadata.namespace ?? '');
  return services.filter(s => managesEndpoints(s) && selects(s, pod)).map(s => `${s.metadata.namespace}/${s.metadata.name}`);
}
