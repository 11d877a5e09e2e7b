// What the Endpoints and EndpointSlice controllers share: which pods back a Service (the rules
// themselves live in api/service-backends.ts, which the why API explains with), each pod's
// resolved ports, and the watch mapping from pods to services.
import type { KubeObject } from '../../api/object.js';
import { managesEndpoints, resolveTargetPort, selects } from '../../api/service-backends.js';
import { R } from '../../client/resources.js';
import { inNamespace } from '../owner-index.js';
import type { ControllerContext } from '../types.js';
import type { Pod, Service } from './types.js';

export { managesEndpoints, podIP, selects, shouldPodBeInEndpoints } from '../../api/service-backends.js';

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
