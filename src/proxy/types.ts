// The API objects kube-proxy reads, as the generated types joined with the generic object shape
// (so they flow through the Informer unchanged).
import type { KubeObject } from '../api/object.js';
import type { EndpointSlice, Node, Service } from '../api/types/generated.js';

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
