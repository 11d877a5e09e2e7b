// The nftables rule builder: service ports and node facts in, kube-proxy's table `ip k8ts-proxy`
// out, with the same semantics as the iptables builder (../rules.ts) but laid out for nftables,
// as upstream's nftables proxier is: lookups are verdict maps, not rule lists.
//
//   service-ips          ClusterIP / external IP / LB IP . proto . port → goto the port's chain
//   service-nodeports    proto . nodePort → goto its external chain (for this node's IPs)
//   no-endpoint-services ip . proto . port → goto reject-chain (no endpoint anywhere) or drop
//   no-endpoint-nodeports proto . nodePort → the same, for NodePorts
//   firewall-ips         LB IP . proto . port → goto fw-* (loadBalancerSourceRanges), checked
//                        before DNAT: fw-* returns for allowed clients and drops the rest
//   svc-* / svl-*        masquerade off-node sources, then DNAT to an endpoint picked by numgen
//                        from an anonymous map (one rule, however many endpoints)
//   ext-*                traffic from outside: masquerade, or keep the client's address (Local)
//   sep-*                only for ClientIP affinity: record the client in a timeout set, DNAT
//   hairpin              ip . ip of every endpoint: a pod reaching itself through its Service is
//                        masqueraded so the reply comes back through the node
//
// One map lookup per packet replaces a walk over one rule per Service, and a Service costs a map
// element and one or two chains instead of a chain per endpoint: a full sync of 1,000 Services ×
// 10 endpoints is one `nft -f` of ~2,000 chains. Pure: the same input gives the same output.
import { createHash } from 'node:crypto';
import { categorizeEndpoints, isExternallyAccessible, policyChains, usesClusterEndpoints } from '../endpoint-categories.js';
import type { ProxyEndpoint, ServicePortInfo } from '../service-ports.js';
import { allowedSources } from '../source-ranges.js';
import { healthCheckOf, type HealthCheckInfo, type NodeFacts } from '../types.js';

export const TABLE = 'k8ts-proxy';
export const MASQ_MARK = '0x4000';

/** A chain's rules, each a complete nft statement list for `add rule`. */
export type ChainRules = string[];

export interface NftRuleSet {
  /** The per-service chains (svc-, svl-, ext-, sep-) with their rules. */
  chains: Map<string, ChainRules>;
  /** Map name → element key → verdict. */
  maps: Map<MapName, Map<string, string>>;
  /** Set name → elements (the node's IPs, hairpin pairs). */
  sets: Map<SetName, Set<string>>;
  /** ClientIP affinity sets → timeout in seconds. */
  affinitySets: Map<string, number>;
  healthChecks: Map<number, HealthCheckInfo>;
}

export const MAPS = {
  'service-ips': 'ipv4_addr . inet_proto . inet_service : verdict',
  'service-nodeports': 'inet_proto . inet_service : verdict',
  'no-endpoint-services': 'ipv4_addr . inet_proto . inet_service : verdict',
  'no-endpoint-nodeports': 'inet_proto . inet_service : verdict',
  'firewall-ips': 'ipv4_addr . inet_proto . inet_service : verdict',
} as const;
export type MapName = keyof typeof MAPS;

export const SETS = {
  'nodeport-ips': 'ipv4_addr',
  'hairpin': 'ipv4_addr . ipv4_addr',
} as const;
export type SetName = keyof typeof SETS;

/**
 * The chains that do not depend on Services: hooks, the lookups and masquerading. Base chains run
 * at upstream's priorities: filtering just before NAT sees the packet, so a Service without
 * endpoints is refused before anything rewrites its address.
 */
export const FIXED_CHAINS: [string, string | undefined, ChainRules][] = [
  ['reject-chain', undefined, ['meta l4proto tcp reject with tcp reset', 'reject']],
  ['mark-for-masquerade', undefined, [`meta mark set meta mark | ${MASQ_MARK}`]],
  ['masquerading', undefined, [
    `ct status dnat ip saddr . ip daddr @hairpin meta mark set meta mark | ${MASQ_MARK}`,
    `meta mark & ${MASQ_MARK} == 0 return`,
    // The mark is cleared so a packet re-traversing the stack (e.g. over a tunnel) is not masqueraded twice.
    `meta mark set meta mark ^ ${MASQ_MARK}`,
    'masquerade fully-random',
  ]],
  ['services', undefined, [
    'ip daddr . meta l4proto . th dport vmap @service-ips',
    'ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports',
  ]],
  ['service-endpoints-check', undefined, ['ip daddr . meta l4proto . th dport vmap @no-endpoint-services']],
  ['nodeport-endpoints-check', undefined, ['ip daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports']],
  ['firewall-check', undefined, ['ip daddr . meta l4proto . th dport vmap @firewall-ips']],
  ['filter-prerouting', 'type filter hook prerouting priority -110; policy accept;', ['ct state new jump firewall-check']],
  ['filter-input', 'type filter hook input priority -110; policy accept;', ['ct state new jump nodeport-endpoints-check', 'ct state new jump service-endpoints-check']],
  ['filter-forward', 'type filter hook forward priority -110; policy accept;', ['ct state new jump nodeport-endpoints-check', 'ct state new jump service-endpoints-check']],
  ['filter-output', 'type filter hook output priority -110; policy accept;', ['ct state new jump firewall-check', 'ct state new jump service-endpoints-check']],
  ['nat-prerouting', 'type nat hook prerouting priority dstnat; policy accept;', ['jump services']],
  ['nat-output', 'type nat hook output priority -100; policy accept;', ['jump services']],
  ['nat-postrouting', 'type nat hook postrouting priority srcnat; policy accept;', ['jump masquerading']],
];

const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);
export const svcChain = (p: ServicePortInfo) => `svc-${hash(p.id + p.protocol)}`;
export const svlChain = (p: ServicePortInfo) => `svl-${hash(p.id + p.protocol)}`;
export const extChain = (p: ServicePortInfo) => `ext-${hash(p.id + p.protocol)}`;
export const fwChain = (p: ServicePortInfo) => `fw-${hash(p.id + p.protocol)}`;
export const sepChain = (p: ServicePortInfo, e: ProxyEndpoint) => `sep-${hash(`${p.id}${p.protocol}${e.ip}:${e.port}`)}`;
/** Named after the timeout too: a set's timeout cannot change, so a new timeout is a new set. */
export const affinitySet = (p: ServicePortInfo, e: ProxyEndpoint) => `affinity-${hash(`${p.id}${p.protocol}${e.ip}:${e.port}/${p.affinitySeconds}`)}`;

const proto = (p: ServicePortInfo) => p.protocol.toLowerCase();

/** One service port's share: its map elements, its chains, its affinity sets. */
export interface ServiceNftRules {
  elements: [MapName, string, string][];
  chains: [string, ChainRules][];
  affinitySets: [string, number][];
  healthCheck?: [number, HealthCheckInfo];
}

export function buildNftRules(ports: ServicePortInfo[], node: NodeFacts): NftRuleSet {
  return assembleNftRules(ports.map(p => serviceNftRules(p, node)), ports, node);
}

export function assembleNftRules(parts: ServiceNftRules[], ports: ServicePortInfo[], node: NodeFacts): NftRuleSet {
  const maps = new Map<MapName, Map<string, string>>(Object.keys(MAPS).map(m => [m as MapName, new Map()]));
  const chains = new Map<string, ChainRules>();
  const affinitySets = new Map<string, number>();
  const healthChecks = new Map<number, HealthCheckInfo>();
  for (const r of parts) {
    for (const [map, key, verdict] of r.elements) maps.get(map)!.set(key, verdict);
    for (const [name, rules] of r.chains) chains.set(name, rules);
    for (const [name, timeout] of r.affinitySets) affinitySets.set(name, timeout);
    if (r.healthCheck) healthChecks.set(...r.healthCheck);
  }
  const hairpin = new Set<string>();
  for (const p of ports) for (const e of p.endpoints) hairpin.add(`${e.ip} . ${e.ip}`);
  const sets = new Map<SetName, Set<string>>([['nodeport-ips', new Set(node.ips)], ['hairpin', hairpin]]);
  return { chains, maps, sets, affinitySets, healthChecks };
}

/** The rules of one service port on this node. */
export function serviceNftRules(p: ServicePortInfo, node: NodeFacts): ServiceNftRules {
  const r: ServiceNftRules = { elements: [], chains: [], affinitySets: [], healthCheck: healthCheckOf(p) };
  const categories = categorizeEndpoints(p);
  const { cluster, local, hasAny } = categories;
  const { usesClusterChain, usesLocalChain, internalChain, hasInternal, externalPolicyChain, hasExternal } =
    policyChains(p, categories, { cluster: svcChain(p), local: svlChain(p) });
  // No endpoint at all: refuse at once. Endpoints elsewhere but none for a Local policy: drop,
  // as upstream (the client's load balancer is expected to use a node with endpoints).
  const refuse = hasAny ? 'drop' : 'goto reject-chain';
  const key = (ip: string) => `${ip} . ${proto(p)} . ${p.port}`;

  if (p.clusterIP) {
    r.elements.push(hasInternal ? ['service-ips', key(p.clusterIP), `goto ${internalChain}`] : ['no-endpoint-services', key(p.clusterIP), refuse]);
  }
  for (const ip of [...p.externalIPs, ...p.loadBalancerIPs]) {
    r.elements.push(hasExternal ? ['service-ips', key(ip), `goto ${extChain(p)}`] : ['no-endpoint-services', key(ip), refuse]);
  }
  if (p.sourceRanges.length && p.loadBalancerIPs.length && hasExternal) {
    for (const ip of p.loadBalancerIPs) r.elements.push(['firewall-ips', key(ip), `goto ${fwChain(p)}`]);
    r.chains.push([fwChain(p), [`ip saddr { ${allowedSources(p, node).join(', ')} } return`, 'drop']]);
  }
  if (p.nodePort !== undefined) {
    const nodePortKey = `${proto(p)} . ${p.nodePort}`;
    r.elements.push(hasExternal ? ['service-nodeports', nodePortKey, `goto ${extChain(p)}`] : ['no-endpoint-nodeports', nodePortKey, refuse]);
  }

  if (usesClusterChain) {
    const rules: ChainRules = [];
    // Traffic to the ClusterIP that did not come from this node's pods leaves with the node's
    // address, so replies come back through this node's conntrack entry.
    if (node.podCIDR && p.clusterIP) {
      rules.push(`ip daddr ${p.clusterIP} ${proto(p)} dport ${p.port} ip saddr != ${node.podCIDR} jump mark-for-masquerade`);
    }
    rules.push(...balance(p, cluster, r));
    r.chains.push([svcChain(p), rules]);
  }
  if (usesLocalChain) r.chains.push([svlChain(p), balance(p, local, r)]);
  if (isExternallyAccessible(p) && hasExternal) {
    const rules: ChainRules = [];
    if (!p.externalPolicyLocal) {
      rules.push('jump mark-for-masquerade');
    } else if (usesClusterEndpoints(p) && usesClusterChain) {
      // Local policy keeps the client's address, except for traffic that starts on this node:
      // its pods and the host itself may use every endpoint, as they would via the ClusterIP.
      if (node.podCIDR) rules.push(`ip saddr ${node.podCIDR} goto ${svcChain(p)}`);
      rules.push('fib saddr type local jump mark-for-masquerade', `fib saddr type local goto ${svcChain(p)}`);
    }
    rules.push(`goto ${externalPolicyChain}`);
    r.chains.push([extChain(p), rules]);
  }
  return r;
}

const dnatTo = (p: ServicePortInfo, e: ProxyEndpoint) => `meta l4proto ${proto(p)} dnat ip to ${e.ip}:${e.port}`;

/**
 * Picks an endpoint with equal odds. Without affinity that is one rule: DNAT to numgen's pick from
 * an anonymous map. With ClientIP affinity each endpoint has a chain that records the client in
 * its set, and clients found in a set go straight back to that endpoint.
 */
function balance(p: ServicePortInfo, eps: ProxyEndpoint[], r: ServiceNftRules): ChainRules {
  if (p.affinitySeconds === undefined) {
    if (eps.length === 1) return [dnatTo(p, eps[0]!)];
    const picks = eps.map((e, i) => `${i} : ${e.ip} . ${e.port}`).join(', ');
    return [`meta l4proto ${proto(p)} dnat ip addr . port to numgen random mod ${eps.length} map { ${picks} }`];
  }
  const rules: ChainRules = [];
  for (const e of eps) {
    const set = affinitySet(p, e);
    const sep = sepChain(p, e);
    if (!r.affinitySets.some(([name]) => name === set)) {
      r.affinitySets.push([set, p.affinitySeconds]);
      r.chains.push([sep, [`update @${set} { ip saddr }`, dnatTo(p, e)]]);
    }
    rules.push(`ip saddr @${set} goto ${sep}`);
  }
  rules.push(`numgen random mod ${eps.length} vmap { ${eps.map((e, i) => `${i} : goto ${sepChain(p, e)}`).join(', ')} }`);
  return rules;
}
