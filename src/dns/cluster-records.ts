// What the cluster DNS knows of the cluster, indexed for answering: Services by name and by
// cluster IP, the ready endpoints of each Service (from its EndpointSlices) by Service and by IP,
// and which namespaces exist. Fed by informer events; every change bumps `generation`, which the
// SOA serial and the server's answer cache follow.
import { SERVICE_NAME_LABEL } from '../api/endpoint-slice-labels.js';
import type { EndpointSliceObject, NamespaceObject, ServiceObject } from './types.js';
import { addToIndex, removeFromIndex } from '../util/set-index.js';

export interface DnsPort { name: string; port: number; protocol: string }

export interface DnsService {
  namespace: string;
  name: string;
  /** None for headless Services (clusterIP None). */
  clusterIPs: string[];
  headless: boolean;
  externalName?: string;
  ports: DnsPort[];
}

export interface DnsEndpoint {
  ip: string;
  /** The endpoint's hostname (StatefulSet pods, pods with hostname and subdomain), if any. */
  hostname?: string;
  ports: DnsPort[];
}

interface SliceEntry { serviceKey: string; endpoints: DnsEndpoint[] }

const key = (namespace: string, name: string) => `${namespace}/${name}`;

export class ClusterRecords {
  generation = 0;
  private readonly services = new Map<string, DnsService>();
  private readonly byClusterIP = new Map<string, string>();
  private readonly slices = new Map<string, SliceEntry>();
  /** Service key → keys of its slices. */
  private readonly slicesOfService = new Map<string, Set<string>>();
  /** Endpoint IP → keys of the slices naming it. */
  private readonly slicesByIP = new Map<string, Set<string>>();
  private readonly namespaces = new Set<string>();

  setService(svc: ServiceObject): void {
    this.deleteService(svc.metadata.namespace!, svc.metadata.name!);
    const spec = svc.spec ?? {};
    const ips = (spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : []).filter(ip => ip && ip !== 'None');
    const s: DnsService = {
      namespace: svc.metadata.namespace!, name: svc.metadata.name!,
      clusterIPs: spec.type === 'ExternalName' ? [] : ips,
      headless: spec.type !== 'ExternalName' && spec.clusterIP === 'None',
      ...(spec.type === 'ExternalName' && spec.externalName ? { externalName: spec.externalName.replace(/\.$/, '') } : {}),
      ports: (spec.ports ?? []).map(p => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' })),
    };
    const k = key(s.namespace, s.name);
    this.services.set(k, s);
    for (const ip of s.clusterIPs) this.byClusterIP.set(ip, k);
    this.generation++;
  }

  deleteService(namespace: string, name: string): void {
    const k = key(namespace, name);
    const old = this.services.get(k);
    if (!old) return;
    this.services.delete(k);
    for (const ip of old.clusterIPs) if (this.byClusterIP.get(ip) === k) this.byClusterIP.delete(ip);
    this.generation++;
  }

  setSlice(slice: EndpointSliceObject): void {
    const namespace = slice.metadata.namespace!;
    this.deleteSlice(namespace, slice.metadata.name!);
    const service = slice.metadata.labels?.[SERVICE_NAME_LABEL];
    if (!service) return;
    const ports = (slice.ports ?? []).filter(p => p.port !== undefined).map(p => ({ name: p.name ?? '', port: p.port!, protocol: p.protocol ?? 'TCP' }));
    // Only ready endpoints are answered (an unset condition means ready, as upstream).
    const endpoints = (slice.endpoints ?? []).filter(e => e.conditions?.ready !== false).flatMap(e =>
      e.addresses.map(ip => ({ ip, ...(e.hostname ? { hostname: e.hostname } : {}), ports })));
    const k = key(namespace, slice.metadata.name!);
    const entry = { serviceKey: key(namespace, service), endpoints };
    this.slices.set(k, entry);
    addToIndex(this.slicesOfService, entry.serviceKey, k);
    for (const e of endpoints) addToIndex(this.slicesByIP, e.ip, k);
    this.generation++;
  }

  deleteSlice(namespace: string, name: string): void {
    const k = key(namespace, name);
    const old = this.slices.get(k);
    if (!old) return;
    this.slices.delete(k);
    removeFromIndex(this.slicesOfService, old.serviceKey, k);
    for (const e of old.endpoints) removeFromIndex(this.slicesByIP, e.ip, k);
    this.generation++;
  }

  setNamespace(ns: NamespaceObject): void {
    if (this.namespaces.has(ns.metadata.name!)) return;
    this.namespaces.add(ns.metadata.name!);
    this.generation++;
  }

  deleteNamespace(name: string): void {
    if (this.namespaces.delete(name)) this.generation++;
  }

  namespaceExists(name: string): boolean {
    return this.namespaces.has(name);
  }

  service(namespace: string, name: string): DnsService | undefined {
    return this.services.get(key(namespace, name));
  }

  serviceByClusterIP(ip: string): DnsService | undefined {
    const k = this.byClusterIP.get(ip);
    return k ? this.services.get(k) : undefined;
  }

  /** The ready endpoints of a Service, one per address (an address in two slices counts once). */
  endpoints(namespace: string, name: string): DnsEndpoint[] {
    const seen = new Map<string, DnsEndpoint>();
    for (const k of this.slicesOfService.get(key(namespace, name)) ?? []) {
      for (const e of this.slices.get(k)!.endpoints) {
        const had = seen.get(e.ip);
        seen.set(e.ip, had ? { ...had, ports: [...had.ports, ...e.ports] } : e);
      }
    }
    return [...seen.values()];
  }

  /** The Services whose ready endpoints include `ip`, with that endpoint. */
  endpointsByIP(ip: string): { service: { namespace: string; name: string }; endpoint: DnsEndpoint }[] {
    const out: { service: { namespace: string; name: string }; endpoint: DnsEndpoint }[] = [];
    const seen = new Set<string>();
    for (const k of this.slicesByIP.get(ip) ?? []) {
      const entry = this.slices.get(k)!;
      if (seen.has(entry.serviceKey)) continue;
      seen.add(entry.serviceKey);
      const [namespace, name] = entry.serviceKey.split('/');
      for (const endpoint of entry.endpoints) if (endpoint.ip === ip) out.push({ service: { namespace, name }, endpoint });
    }
    return out;
  }
}
