// Ingress status: where the Ingresses of our class answer. Every node agent running the controller
// labels its Node (INGRESS_NODE_LABEL, kept up to date at each registration, "false" when the
// controller is disabled there), and status.loadBalancer.ingress lists the InternalIPs of the Ready
// nodes so labelled. Each agent computes that list from the same Node objects, so agents writing
// concurrently write the same value, and a write happens only when the stored value differs.
import { internalIPs, isReady } from '../api/node-object.js';
import type { IngressLoadBalancerIngress } from '../api/types/generated.js';
import type { IngressObject, NodeObject } from './types.js';

export const INGRESS_NODE_LABEL = 'node.k8ts.io/ingress-controller';

/** The Node labels an agent registers with: whether this node runs the ingress controller. */
export function ingressNodeLabels(enabled: boolean): Record<string, string> {
  return { [INGRESS_NODE_LABEL]: String(enabled) };
}

export function loadBalancerIngress(nodes: NodeObject[]): IngressLoadBalancerIngress[] {
  const ips = new Set<string>();
  for (const n of nodes) {
    if (n.metadata.labels?.[INGRESS_NODE_LABEL] !== 'true') continue;
    if (!isReady(n)) continue;
    for (const ip of internalIPs(n)) ips.add(ip);
  }
  return [...ips].sort().map(ip => ({ ip }));
}

export function statusOutdated(ing: IngressObject, want: IngressLoadBalancerIngress[]): boolean {
  const have = ing.status?.loadBalancer?.ingress ?? [];
  return have.length !== want.length || have.some((h, i) => h.ip !== want[i].ip || h.hostname !== undefined || h.ports !== undefined);
}
