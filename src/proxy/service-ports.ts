// From Services and their EndpointSlices to the flat model the rule builder works on: one entry per
// service port (upstream's ServicePortName) with its addresses, policies and endpoints. Anything the
// kernel would refuse (a malformed address, a port out of range, an unknown protocol) is left out
// here with a reason, so one bad object never spoils the batch that programs all the others.
import { loadBalancerSourceRanges, SourceRangeError } from '../api/load-balancer-source-ranges.js';
import type { EndpointSliceObject, NodeFacts, ServiceObject } from './types.js';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface ProxyEndpoint {
  ip: string;
  port: number;
  /** On this node (for the Local traffic policies). */
  local: boolean;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
}

export interface ServicePortInfo {
  /** `namespace/name:portName`, upstream's ServicePortName (the port name may be empty). */
  id: string;
  namespace: string;
  name: string;
  protocol: Protocol;
  clusterIP?: string;
  port: number;
  nodePort?: number;
  /** spec.externalIPs and the load balancer's ingress IPs: both reach the service at `port`. */
  externalIPs: string[];
  loadBalancerIPs: string[];
  /** loadBalancerSourceRanges (IPv4 CIDRs): when not empty, only these clients reach the load balancer IPs. */
  sourceRanges: string[];
  externalPolicyLocal: boolean;
  internalPolicyLocal: boolean;
  /** sessionAffinity ClientIP: how long a client sticks to its endpoint. */
  affinitySeconds?: number;
  healthCheckNodePort?: number;
  /** Sorted by address and port, duplicates (the same endpoint in two slices) removed. */
  endpoints: ProxyEndpoint[];
}

export interface ServicePortsResult {
  ports: ServicePortInfo[];
  /** Why objects (or parts of them) were left out, one line each. */
  problems: string[];
}

const PROTOCOLS = new Set<string>(['TCP', 'UDP', 'SCTP']);
const DEFAULT_AFFINITY_SECONDS = 10_800;

export function isIPv4(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const parts = s.split('.');
  return parts.length === 4 && parts.every(p => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

const isPort = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 65535;

export const serviceKey = (o: { metadata: { namespace?: string; name?: string } }) => `${o.metadata.namespace}/${o.metadata.name}`;

/** Services without cluster-side rules: headless ones (DNS only) and ExternalName (a CNAME). */
export function hasProxyRules(svc: ServiceObject): boolean {
  const spec = svc.spec;
  return !!spec && spec.type !== 'ExternalName' && !!spec.clusterIP && spec.clusterIP !== 'None';
}

export function servicePorts(services: Iterable<ServiceObject>, slicesOf: (serviceKey: string) => EndpointSliceObject[], node: NodeFacts): ServicePortsResult {
  const ports: ServicePortInfo[] = [];
  const problems: string[] = [];
  for (const svc of services) {
    try {
      if (hasProxyRules(svc)) ports.push(...portsOfService(svc, slicesOf(serviceKey(svc)), node, problems));
    } catch (err) {
      problems.push(`${serviceKey(svc)}: ${(err as Error).message}`);
    }
  }
  return { ports, problems };
}

function portsOfService(svc: ServiceObject, slices: EndpointSliceObject[], node: NodeFacts, problems: string[]): ServicePortInfo[] {
  const key = serviceKey(svc);
  const spec = svc.spec!;
  if (!isIPv4(spec.clusterIP)) {
    problems.push(`${key}: cluster IP ${spec.clusterIP} is not an IPv4 address`);
    return [];
  }
  const addresses = (list: unknown[] | undefined, what: string) => (list ?? []).filter(ip => {
    if (isIPv4(ip)) return true;
    problems.push(`${key}: ${what} ${String(ip)} ignored (not an IPv4 address)`);
    return false;
  }) as string[];
  const externalIPs = addresses(spec.externalIPs, 'external IP');
  const loadBalancerIPs = spec.type === 'LoadBalancer'
    ? addresses((svc.status?.loadBalancer?.ingress ?? []).filter(i => i.ip).map(i => i.ip), 'load balancer IP')
    : [];
  const externallyAccessible = spec.type === 'NodePort' || spec.type === 'LoadBalancer' || externalIPs.length > 0;
  const sourceRanges = spec.type === 'LoadBalancer' ? ipv4SourceRanges(svc, problems) : [];
  const affinitySeconds = spec.sessionAffinity === 'ClientIP'
    ? spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS
    : undefined;
  const out: ServicePortInfo[] = [];
  for (const p of spec.ports ?? []) {
    const protocol = p.protocol ?? 'TCP';
    const portName = p.name ?? '';
    const id = `${key}:${portName}`;
    if (!PROTOCOLS.has(protocol)) {
      problems.push(`${id}: unknown protocol ${protocol}`);
      continue;
    }
    if (!isPort(p.port)) {
      problems.push(`${id}: port ${p.port} out of range`);
      continue;
    }
    const nodePort = externallyAccessible && spec.type !== 'ClusterIP' && isPort(p.nodePort) ? p.nodePort : undefined;
    out.push({
      id, namespace: svc.metadata.namespace!, name: svc.metadata.name!, protocol: protocol as Protocol,
      clusterIP: spec.clusterIP, port: p.port, nodePort, externalIPs, loadBalancerIPs, sourceRanges,
      externalPolicyLocal: externallyAccessible && spec.externalTrafficPolicy === 'Local',
      internalPolicyLocal: spec.internalTrafficPolicy === 'Local',
      affinitySeconds,
      healthCheckNodePort: spec.externalTrafficPolicy === 'Local' && spec.type === 'LoadBalancer' && isPort(spec.healthCheckNodePort) ? spec.healthCheckNodePort : undefined,
      endpoints: endpointsFor(portName, protocol, slices, node),
    });
  }
  return out;
}

/** The IPv4 ranges of loadBalancerSourceRanges (this proxy programs IPv4); a malformed list allows nobody. */
function ipv4SourceRanges(svc: ServiceObject, problems: string[]): string[] {
  try {
    return loadBalancerSourceRanges(svc).filter(r => r.family === 4).map(r => `${r.ip}/${r.prefix}`);
  } catch (err) {
    if (!(err instanceof SourceRangeError)) throw err;
    problems.push(`${serviceKey(svc)}: loadBalancerSourceRanges: ${err.message}; no client is let through`);
    // An address no client has: the firewall is on and matches nobody.
    return ['0.0.0.0/32'];
  }
}

/** The endpoints of one service port: each slice's port of that name and protocol, IPv4 only. */
function endpointsFor(portName: string, protocol: string, slices: EndpointSliceObject[], node: NodeFacts): ProxyEndpoint[] {
  const seen = new Map<string, ProxyEndpoint>();
  for (const slice of slices) {
    if (slice.addressType !== 'IPv4') continue;
    const port = (slice.ports ?? []).find(sp => (sp.name ?? '') === portName && (sp.protocol ?? 'TCP') === protocol)?.port;
    if (!isPort(port)) continue;
    for (const ep of slice.endpoints ?? []) {
      const ip = ep.addresses?.[0];
      if (!isIPv4(ip)) continue;
      const k = `${ip}:${port}`;
      if (seen.has(k)) continue;
      // Unset conditions are "unknown", which consumers read as ready (and serving as ready).
      const ready = ep.conditions?.ready ?? true;
      seen.set(k, {
        ip, port, local: ep.nodeName === node.name, ready,
        serving: ep.conditions?.serving ?? ready, terminating: ep.conditions?.terminating ?? false,
      });
    }
  }
  return [...seen.values()].sort((a, b) => compareIPs(a.ip, b.ip) || a.port - b.port);
}

function compareIPs(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}
