// The API objects kube-proxy reads, as the generated types joined with the generic object shape
// (so they flow through the Informer unchanged).
import type { KubeObject } from '../api/object.js';
import type { EndpointSlice, Node, Service } from '../api/types/generated.js';
import { categorizeEndpoints } from './endpoint-categories.js';
import type { ServicePortInfo } from './service-ports.js';

export type ServiceObject = Omit<Service, 'metadata'> & KubeObject;
export type EndpointSliceObject = Omit<EndpointSlice, 'metadata'> & KubeObject;
export type NodeObject = Omit<Node, 'metadata'> & KubeObject;

/** What the proxy needs to know about the node it runs on. */
export interface NodeFacts {
  name: string;
  /** The node's InternalIPs: NodePorts answer on these. */
  ips: string[];
  /** Traffic from outside this CIDR to a ClusterIP is masqueraded (upstream's detect-local NodeCIDR). */
  podCIDR?: string;
}

/** What a healthCheckNodePort reports: the Service and how many of its endpoints are on this node. */
export interface HealthCheckInfo {
  namespace: string;
  name: string;
  localEndpoints: number;
}

/** The health-check port of a port whose Service has one (LoadBalancer, externalTrafficPolicy Local). */
export function healthCheckOf(p: ServicePortInfo): [number, HealthCheckInfo] | undefined {
  if (p.healthCheckNodePort === undefined) return undefined;
  return [p.healthCheckNodePort, { namespace: p.namespace, name: p.name, localEndpoints: categorizeEndpoints(p).local.length }];
}
