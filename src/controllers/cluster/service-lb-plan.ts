// ServiceLB's decisions (as k3s's built-in load balancer): a LoadBalancer Service of our class (or
// of no class) is served on every Ready node, so its ingress is the InternalIPs of those nodes, and
// kube-proxy answers its ports there. A node port can serve one Service only: Services claim their
// ports+protocols in creation order, and a later Service wanting a claimed one stays pending.
import { ipToInt } from '../../api/cidr.js';
import { internalIPs, isReady } from '../../api/node-object.js';
import type { Node, Service } from './types.js';

/** The class this implementation answers to; Services naming another class are someone else's. */
export const SERVICELB_CLASS = 'k8ts.io/servicelb';
/** Upstream's label for nodes that must not be load balancer targets. */
export const EXCLUDE_LB_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';

export interface LbService extends Service {
  spec?: Service['spec'] & { loadBalancerClass?: string };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}
export interface LbNode extends Node {
  status?: Node['status'] & { addresses?: { type: string; address: string }[] };
}

export type LbDecision =
  | { kind: 'serve'; ingress: string[] }
  | { kind: 'pending'; reason: string };

export const isLoadBalancer = (s: LbService) => s.spec?.type === 'LoadBalancer';
export const ownsService = (s: LbService) => isLoadBalancer(s) && (!s.spec?.loadBalancerClass || s.spec.loadBalancerClass === SERVICELB_CLASS);

const key = (o: { metadata: { namespace?: string; name?: string } }) => `${o.metadata.namespace}/${o.metadata.name}`;

/** The IPv4 InternalIPs of the Ready nodes that take load balancer traffic, in address order. */
export function servingNodeIPs(nodes: LbNode[]): string[] {
  const ips = new Set<string>();
  for (const n of nodes) {
    if (n.metadata.deletionTimestamp || n.metadata.labels?.[EXCLUDE_LB_LABEL] !== undefined) continue;
    if (!isReady(n)) continue;
    for (const ip of internalIPs(n)) if (!ip.includes(':')) ips.add(ip);
  }
  return [...ips].sort((a, b) => (ipToInt(a) ?? 0) - (ipToInt(b) ?? 0));
}

/** A decision for every Service ServiceLB owns, by `namespace/name`. */
export function planServiceLB(services: LbService[], nodes: LbNode[]): Map<string, LbDecision> {
  const ingress = servingNodeIPs(nodes);
  const owned = services.filter(s => ownsService(s) && !s.metadata.deletionTimestamp).sort((a, b) =>
    (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || key(a).localeCompare(key(b)));
  const claims = new Map<string, string>();
  const out = new Map<string, LbDecision>();
  for (const s of owned) {
    const wanted = (s.spec?.ports ?? []).map(p => `${p.port}/${p.protocol ?? 'TCP'}`);
    const taken = wanted.find(p => claims.has(p));
    if (taken) {
      out.set(key(s), { kind: 'pending', reason: `port ${taken} is already used by LoadBalancer Service ${claims.get(taken)} on every node` });
      continue;
    }
    for (const p of wanted) claims.set(p, key(s));
    out.set(key(s), { kind: 'serve', ingress });
  }
  return out;
}
