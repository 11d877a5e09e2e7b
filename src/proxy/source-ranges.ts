// loadBalancerSourceRanges as both data planes enforce them.
import { cidrContains, parseCidr } from '../api/cidr.js';
import type { ServicePortInfo } from './service-ports.js';
import type { NodeFacts } from './types.js';

/**
 * The sources a load balancer firewall lets through: the ranges, and when one of them holds this
 * node, the load balancer IPs too (as upstream: a node reaching a VIP it holds itself arrives with
 * the VIP as its source).
 */
export function allowedSources(p: ServicePortInfo, node: NodeFacts): string[] {
  const holdsNode = p.sourceRanges.some(r => node.ips.some(ip => cidrContains(parseCidr(r, 0), ip)));
  return [...p.sourceRanges, ...(holdsNode ? p.loadBalancerIPs.map(ip => `${ip}/32`) : [])];
}

