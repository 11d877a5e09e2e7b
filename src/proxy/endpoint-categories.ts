// Which endpoints a service port sends traffic to, as upstream's CategorizeEndpoints: ready
// endpoints, and only when there are none, the ones that still serve while terminating (so a
// rolling update or scale-down never leaves a window with nothing to answer). The Local traffic
// policies use this node's endpoints, with the same fallback among them.
import type { ProxyEndpoint, ServicePortInfo } from './service-ports.js';

export interface EndpointCategories {
  /** For cluster-wide policies (empty unless a policy is Cluster). */
  cluster: ProxyEndpoint[];
  /** For Local policies (empty unless a policy is Local). */
  local: ProxyEndpoint[];
  /** Some usable endpoint exists anywhere: without one, traffic is rejected rather than dropped. */
  hasAny: boolean;
}

export const usesClusterEndpoints = (p: ServicePortInfo) => !p.internalPolicyLocal || (isExternallyAccessible(p) && !p.externalPolicyLocal);
export const usesLocalEndpoints = (p: ServicePortInfo) => p.internalPolicyLocal || p.externalPolicyLocal;
export const isExternallyAccessible = (p: ServicePortInfo) => p.nodePort !== undefined || p.externalIPs.length > 0 || p.loadBalancerIPs.length > 0;

const servingTerminating = (e: ProxyEndpoint) => e.serving && e.terminating;

/** Ready endpoints; failing those, serving-and-terminating ones. */
function usable(eps: ProxyEndpoint[]): ProxyEndpoint[] {
  const ready = eps.filter(e => e.ready);
  return ready.length ? ready : eps.filter(servingTerminating);
}

export function categorizeEndpoints(p: ServicePortInfo): EndpointCategories {
  const cluster = usesClusterEndpoints(p) ? usable(p.endpoints) : [];
  const local = usesLocalEndpoints(p) ? usable(p.endpoints.filter(e => e.local)) : [];
  const hasAny = cluster.length > 0 || p.endpoints.some(e => e.ready || servingTerminating(e));
  return { cluster, local, hasAny };
}

/**
 * Which of a service port's two chains (the cluster one, to every usable endpoint; the local one,
 * to this node's) its traffic enters, by its traffic policies, as both upstream proxiers choose;
 * `names` are the data plane's names for the two.
 */
export interface PolicyChains {
  /** There are cluster-wide endpoints: the cluster chain exists. */
  usesClusterChain: boolean;
  /** There are endpoints on this node for a Local policy: the local chain exists. */
  usesLocalChain: boolean;
  /** Where ClusterIP traffic goes (internalTrafficPolicy), and whether that chain has endpoints. */
  internalChain: string;
  hasInternal: boolean;
  /** Where external traffic goes after the external chain (externalTrafficPolicy), and whether it has endpoints. */
  externalPolicyChain: string;
  hasExternal: boolean;
}

export function policyChains(p: ServicePortInfo, { cluster, local }: EndpointCategories, names: { cluster: string; local: string }): PolicyChains {
  const usesClusterChain = cluster.length > 0;
  const usesLocalChain = local.length > 0;
  return {
    usesClusterChain, usesLocalChain,
    internalChain: p.internalPolicyLocal ? names.local : names.cluster,
    hasInternal: p.internalPolicyLocal ? usesLocalChain : usesClusterChain,
    externalPolicyChain: p.externalPolicyLocal ? names.local : names.cluster,
    hasExternal: p.externalPolicyLocal ? usesLocalChain : usesClusterChain,
  };
}
