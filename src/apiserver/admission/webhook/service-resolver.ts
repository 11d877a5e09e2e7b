// Where a Service-backed webhook is called: a ready endpoint of the Service, read from its
// EndpointSlices, as kube-apiserver does with --enable-aggregator-routing. Upstream's default
// resolver dials the ClusterIP instead; we do not, because the API server's host may have no
// route to ClusterIPs: kube-proxy's rules live in node network namespaces, and a control plane
// started with --disable-agent has none at all.
import type { KubeObject } from '../../../api/object.js';
import type { Obj } from '../../../api/validation/types.js';
import type { ServiceResolver } from './client.js';

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const RESOLVABLE_TYPES = new Set(['ClusterIP', 'NodePort', 'LoadBalancer']);

export class EndpointResolutionError extends Error {}

export interface ServiceSource {
  service(namespace: string, name: string): KubeObject | undefined;
  endpointSlices(namespace: string): KubeObject[];
}

/** upstream's proxy.ResolveEndpoint over EndpointSlices, with its messages; a random ready address. */
export function endpointSliceResolver(source: ServiceSource, random: () => number = Math.random): ServiceResolver {
  return (namespace, name, port) => {
    const svc = source.service(namespace, name) as (KubeObject & { spec?: Obj }) | undefined;
    if (!svc) throw new EndpointResolutionError(`service "${name}" not found`);
    const type: string = svc.spec?.type ?? 'ClusterIP';
    if (!RESOLVABLE_TYPES.has(type)) throw new EndpointResolutionError(`unsupported service type "${type}"`);
    const svcPort = ((svc.spec?.ports ?? []) as Obj[]).find(p => p.port === port);
    if (!svcPort) throw new EndpointResolutionError(`no service port ${port} found for service "${name}"`);
    const portName = svcPort.name ?? '';
    const candidates: { host: string; port: number }[] = [];
    for (const slice of source.endpointSlices(namespace) as Obj[]) {
      if (slice.metadata?.labels?.[SERVICE_NAME_LABEL] !== name) continue;
      const slicePort = ((slice.ports ?? []) as Obj[]).find(p => (p.name ?? '') === portName);
      if (!slicePort || typeof slicePort.port !== 'number') continue;
      for (const ep of (slice.endpoints ?? []) as Obj[]) {
        // A nil ready condition means ready (EndpointConditions).
        if (ep.conditions?.ready === false) continue;
        const address = (ep.addresses ?? [])[0];
        if (address) candidates.push({ host: address, port: slicePort.port });
      }
    }
    if (!candidates.length) throw new EndpointResolutionError(`no endpoints available for service "${name}"`);
    return candidates[Math.floor(random() * candidates.length)];
  };
}
