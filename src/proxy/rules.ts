// The rule builder: service ports and node facts in, every kube-proxy chain of the nat and filter
// tables out (chain name → its `-A` lines), with upstream kube-proxy's layout:
//
//   nat    PREROUTING/OUTPUT → KUBE-SERVICES: one rule per ClusterIP, external IP and load balancer
//          IP, then (last) this node's IPs → KUBE-NODEPORTS.
//          KUBE-SVC-* (cluster policy) / KUBE-SVL-* (local policy): random balancing over the
//          endpoints' KUBE-SEP-* chains (with `recent` for ClientIP affinity); KUBE-EXT-* for
//          traffic that came from outside (NodePort, external and LB IPs): masquerade, then the
//          external policy's chain; KUBE-SEP-*: hairpin masquerade, DNAT.
//          KUBE-MARK-MASQ marks, KUBE-POSTROUTING (from POSTROUTING) masquerades marked packets.
//          KUBE-FW-*: for load balancer IPs with loadBalancerSourceRanges, on to KUBE-EXT-* only
//          from those ranges; anything else leaves un-DNATed and is dropped in filter.
//   filter KUBE-SERVICES (OUTPUT, FORWARD) and KUBE-EXTERNAL-SERVICES (INPUT, FORWARD): REJECT for
//          services without endpoints, DROP for external traffic with no local endpoint;
//          KUBE-PROXY-FIREWALL (INPUT, FORWARD, OUTPUT): DROP for load balancer traffic that
//          KUBE-FW-* did not let through;
//          KUBE-FORWARD accepts marked service traffic on hosts whose FORWARD policy drops.
//
// Pure: the same input gives the same text, so a sync can compare chains with the last applied set
// and write only those that changed.
import { createHash } from 'node:crypto';
import { categorizeEndpoints, isExternallyAccessible, policyChains, usesClusterEndpoints } from './endpoint-categories.js';
import { allowedSources } from './source-ranges.js';
import type { ProxyEndpoint, ServicePortInfo } from './service-ports.js';
import { healthCheckOf, type HealthCheckInfo, type NodeFacts } from './types.js';

export const MASQ_MARK = '0x4000';

/** Chains kube-proxy owns outright in each table (the per-service ones are recognised by prefix). */
export const TOP_CHAINS = {
  nat: ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ'],
  filter: ['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-FORWARD', 'KUBE-PROXY-FIREWALL'],
} as const;
export const SERVICE_CHAIN_PREFIXES = ['KUBE-SVC-', 'KUBE-SVL-', 'KUBE-EXT-', 'KUBE-FW-', 'KUBE-SEP-'];

export type Table = keyof typeof TOP_CHAINS;
export const TABLES: Table[] = ['filter', 'nat'];

/** Every chain of one table, in a stable order: chain → its complete list of `-A` lines. */
export type TableRules = Map<string, string[]>;

export interface RuleSet {
  nat: TableRules;
  filter: TableRules;
  /** healthCheckNodePort → what it reports (services with externalTrafficPolicy Local). */
  healthChecks: Map<number, HealthCheckInfo>;
}

export function isProxyChain(table: Table, chain: string): boolean {
  return (TOP_CHAINS[table] as readonly string[]).includes(chain) || (table === 'nat' && SERVICE_CHAIN_PREFIXES.some(p => chain.startsWith(p)));
}

const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16).toUpperCase();
export const svcChain = (p: ServicePortInfo) => `KUBE-SVC-${hash(p.id + p.protocol)}`;
export const svlChain = (p: ServicePortInfo) => `KUBE-SVL-${hash(p.id + p.protocol)}`;
export const extChain = (p: ServicePortInfo) => `KUBE-EXT-${hash(p.id + p.protocol)}`;
export const fwChain = (p: ServicePortInfo) => `KUBE-FW-${hash(p.id + p.protocol)}`;
export const sepChain = (p: ServicePortInfo, e: ProxyEndpoint) => `KUBE-SEP-${hash(`${p.id}${p.protocol}${e.ip}:${e.port}`)}`;

const comment = (text: string) => `-m comment --comment "${text}"`;
const proto = (p: ServicePortInfo) => p.protocol.toLowerCase();
/** `-p tcp -m tcp --dport N`: the protocol match and its port. */
const dport = (p: ServicePortInfo, port: number) => `-p ${proto(p)} -m ${proto(p)} --dport ${port}`;

/** One service port's share of the rules: its lines in the shared chains and its own chains. */
export interface ServiceRules {
  natServices: string[];
  natNodePorts: string[];
  filterServices: string[];
  filterExternal: string[];
  filterFirewall: string[];
  /** The port's own nat chains (KUBE-SVC/SVL/EXT/FW/SEP), each with its rules. */
  chains: [string, string[]][];
  healthCheck?: [number, HealthCheckInfo];
}

export function buildRules(ports: ServicePortInfo[], node: NodeFacts): RuleSet {
  return assembleRules(ports.map(p => serviceRules(p, node)), node);
}

/** Joins per-service rules with the fixed chains; the NodePort jump goes last in KUBE-SERVICES. */
export function assembleRules(parts: ServiceRules[], node: NodeFacts): RuleSet {
  const nat: TableRules = new Map(TOP_CHAINS.nat.map(c => [c, []]));
  const filter: TableRules = new Map(TOP_CHAINS.filter.map(c => [c, []]));
  const healthChecks = new Map<number, HealthCheckInfo>();
  const add = (t: TableRules, chain: string, rule: string) => t.get(chain)!.push(`-A ${chain} ${rule}`);

  add(nat, 'KUBE-MARK-MASQ', `-j MARK --or-mark ${MASQ_MARK}`);
  add(nat, 'KUBE-POSTROUTING', `-m mark ! --mark ${MASQ_MARK}/${MASQ_MARK} -j RETURN`);
  // The mark is cleared so a packet re-traversing the stack (e.g. over a tunnel) is not masqueraded twice.
  add(nat, 'KUBE-POSTROUTING', `-j MARK --xor-mark ${MASQ_MARK}`);
  add(nat, 'KUBE-POSTROUTING', `${comment('kubernetes service traffic requiring SNAT')} -j MASQUERADE --random-fully`);
  add(filter, 'KUBE-FORWARD', `${comment('kubernetes forwarding rules')} -m mark --mark ${MASQ_MARK}/${MASQ_MARK} -j ACCEPT`);
  add(filter, 'KUBE-FORWARD', `${comment('kubernetes forwarding conntrack rule')} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`);

  const natServices = nat.get('KUBE-SERVICES')!;
  const natNodePorts = nat.get('KUBE-NODEPORTS')!;
  const filterServices = filter.get('KUBE-SERVICES')!;
  const filterExternal = filter.get('KUBE-EXTERNAL-SERVICES')!;
  const filterFirewall = filter.get('KUBE-PROXY-FIREWALL')!;
  for (const r of parts) {
    natServices.push(...r.natServices);
    natNodePorts.push(...r.natNodePorts);
    filterServices.push(...r.filterServices);
    filterExternal.push(...r.filterExternal);
    filterFirewall.push(...r.filterFirewall);
    for (const [chain, rules] of r.chains) nat.set(chain, rules);
    if (r.healthCheck) healthChecks.set(...r.healthCheck);
  }
  // Last: anything else addressed to this node's IPs may be a NodePort.
  for (const ip of node.ips) {
    add(nat, 'KUBE-SERVICES', `${comment('kubernetes service nodeports; NOTE: this must be the last rule in this chain')} -d ${ip}/32 -j KUBE-NODEPORTS`);
  }
  return { nat, filter, healthChecks };
}

/** The rules of one service port on this node. */
export function serviceRules(p: ServicePortInfo, node: NodeFacts): ServiceRules {
  const r: ServiceRules = { natServices: [], natNodePorts: [], filterServices: [], filterExternal: [], filterFirewall: [], chains: [], healthCheck: healthCheckOf(p) };
  const chain = (name: string) => {
    const rules: string[] = [];
    r.chains.push([name, rules]);
    return (rule: string) => rules.push(`-A ${name} ${rule}`);
  };
  const categories = categorizeEndpoints(p);
  const { cluster, local, hasAny } = categories;
  const external = isExternallyAccessible(p);
  const { usesClusterChain, usesLocalChain, internalChain, hasInternal, externalPolicyChain, hasExternal } =
    policyChains(p, categories, { cluster: svcChain(p), local: svlChain(p) });
  // No endpoint at all: refuse at once. Endpoints elsewhere but none for a Local policy: drop,
  // as upstream (the client's load balancer is expected to use a node with endpoints).
  const refuse = hasAny
    ? `${comment(`${p.id} has no local endpoints`)} -j DROP`
    : `${comment(`${p.id} has no endpoints`)} -j REJECT --reject-with ${p.protocol === 'TCP' ? 'tcp-reset' : 'icmp-port-unreachable'}`;

  // Entry points.
  if (p.clusterIP) {
    const match = `-d ${p.clusterIP}/32 ${dport(p, p.port)}`;
    if (hasInternal) r.natServices.push(`-A KUBE-SERVICES ${comment(`${p.id} cluster IP`)} ${match} -j ${internalChain}`);
    else r.filterServices.push(`-A KUBE-SERVICES ${match} ${refuse}`);
  }
  const firewalled = p.sourceRanges.length > 0 && p.loadBalancerIPs.length > 0;
  for (const [ip, what] of [...p.externalIPs.map(ip => [ip, 'external IP']), ...p.loadBalancerIPs.map(ip => [ip, 'loadbalancer IP'])]) {
    const match = `-d ${ip}/32 ${dport(p, p.port)}`;
    const lb = what === 'loadbalancer IP';
    if (hasExternal) r.natServices.push(`-A KUBE-SERVICES ${comment(`${p.id} ${what}`)} ${match} -j ${lb && firewalled ? fwChain(p) : extChain(p)}`);
    else r.filterExternal.push(`-A KUBE-EXTERNAL-SERVICES ${match} ${refuse}`);
    if (lb && firewalled && hasExternal) r.filterFirewall.push(`-A KUBE-PROXY-FIREWALL ${comment(`${p.id} traffic not accepted by ${fwChain(p)}`)} ${match} -j DROP`);
  }
  if (firewalled && hasExternal) {
    const add = chain(fwChain(p));
    for (const range of allowedSources(p, node)) add(`${comment(`${p.id} loadbalancer IP`)} -s ${range} -j ${extChain(p)}`);
  }
  if (p.nodePort !== undefined) {
    if (hasExternal) {
      r.natNodePorts.push(`-A KUBE-NODEPORTS ${comment(p.id)} ${dport(p, p.nodePort)} -j ${extChain(p)}`);
    } else {
      for (const ip of node.ips) r.filterExternal.push(`-A KUBE-EXTERNAL-SERVICES -d ${ip}/32 ${dport(p, p.nodePort)} ${refuse}`);
    }
  }

  // The service's own chains.
  if (usesClusterChain) {
    const add = chain(svcChain(p));
    // Traffic to the ClusterIP that did not come from this node's pods leaves with the node's
    // address, so replies come back through this node's conntrack entry.
    if (node.podCIDR && p.clusterIP) {
      add(`${comment(`${p.id} cluster IP`)} ! -s ${node.podCIDR} -d ${p.clusterIP}/32 ${dport(p, p.port)} -j KUBE-MARK-MASQ`);
    }
    balance(add, p, cluster);
  }
  if (usesLocalChain) balance(chain(svlChain(p)), p, local);
  if (external && hasExternal) {
    const add = chain(extChain(p));
    if (!p.externalPolicyLocal) {
      add(`${comment(`masquerade traffic for ${p.id} external destinations`)} -j KUBE-MARK-MASQ`);
    } else if (usesClusterEndpoints(p) && usesClusterChain) {
      // Local policy keeps the client's address, except for traffic that starts on this node:
      // its pods and the host itself may use every endpoint, as they would via the ClusterIP.
      if (node.podCIDR) add(`${comment(`pod traffic for ${p.id} external destinations`)} -s ${node.podCIDR} -j ${svcChain(p)}`);
      add(`${comment(`masquerade LOCAL traffic for ${p.id} external destinations`)} -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ`);
      add(`${comment(`route LOCAL traffic for ${p.id} external destinations`)} -m addrtype --src-type LOCAL -j ${svcChain(p)}`);
    }
    add(`-j ${externalPolicyChain}`);
  }
  for (const e of new Set([...cluster, ...local])) {
    const name = sepChain(p, e);
    const add = chain(name);
    // Hairpin: a pod reaching itself through its Service must see the reply come from the node.
    add(`${comment(p.id)} -s ${e.ip}/32 -j KUBE-MARK-MASQ`);
    const affinity = p.affinitySeconds !== undefined ? ` -m recent --name ${name} --mask 255.255.255.255 --rsource --set` : '';
    add(`${comment(p.id)} -p ${proto(p)}${affinity} -m ${proto(p)} -j DNAT --to-destination ${e.ip}:${e.port}`);
  }
  return r;
}

/** Clients stick to their endpoint first (affinity), then pick one at random with equal odds. */
function balance(add: (rule: string) => void, p: ServicePortInfo, eps: ProxyEndpoint[]): void {
  if (p.affinitySeconds !== undefined) {
    for (const e of eps) {
      const sep = sepChain(p, e);
      add(`${comment(`${p.id} -> ${e.ip}:${e.port}`)} -m recent --name ${sep} --mask 255.255.255.255 --rsource --rcheck --seconds ${p.affinitySeconds} --reap -j ${sep}`);
    }
  }
  eps.forEach((e, i) => {
    const left = eps.length - i;
    const pick = left > 1 ? ` -m statistic --mode random --probability ${(1 / left).toFixed(10)}` : '';
    add(`${comment(`${p.id} -> ${e.ip}:${e.port}`)}${pick} -j ${sepChain(p, e)}`);
  });
}
