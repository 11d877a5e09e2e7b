// UDP has no connection to end: conntrack keeps sending a client's datagrams to the endpoint it
// first reached (or to nowhere, for a service that had none) until the entry times out. After each
// sync, entries that point at endpoints no longer used, and entries of services that just got
// their first endpoint, are deleted (as upstream's conntrack cleanup does). Pure: which `conntrack
// -D` argument lists to run.
import { categorizeEndpoints } from './endpoint-categories.js';
import type { ServicePortInfo } from './service-ports.js';

const usableIPs = (p: ServicePortInfo) => {
  const { cluster, local } = categorizeEndpoints(p);
  return new Set([...cluster, ...local].map(e => e.ip));
};

export function staleConntrackFlows(prev: ServicePortInfo[], next: ServicePortInfo[]): string[][] {
  const before = new Map(prev.filter(p => p.protocol === 'UDP').map(p => [p.id, p]));
  const out: string[][] = [];
  const frontIPs = (p: ServicePortInfo) => [...(p.clusterIP ? [p.clusterIP] : []), ...p.externalIPs, ...p.loadBalancerIPs];
  for (const p of next) {
    if (p.protocol !== 'UDP') continue;
    const old = before.get(p.id);
    before.delete(p.id);
    const now = usableIPs(p);
    const had = old ? usableIPs(old) : new Set<string>();
    if (now.size && !had.size) {
      for (const ip of frontIPs(p)) out.push(['-p', 'udp', '--orig-dst', ip, '--orig-port-dst', String(p.port)]);
      if (p.nodePort !== undefined) out.push(['-p', 'udp', '--orig-port-dst', String(p.nodePort)]);
    }
    if (old) for (const ep of had) if (!now.has(ep)) out.push(...flowsTo(old, ep, frontIPs(old)));
  }
  // Service ports that are gone: every endpoint they had is stale.
  for (const old of before.values()) for (const ep of usableIPs(old)) out.push(...flowsTo(old, ep, frontIPs(old)));
  return out;
}

function flowsTo(p: ServicePortInfo, endpointIP: string, fronts: string[]): string[][] {
  const out = fronts.map(ip => ['-p', 'udp', '--orig-dst', ip, '--dst-nat', endpointIP]);
  if (p.nodePort !== undefined) out.push(['-p', 'udp', '--orig-port-dst', String(p.nodePort), '--dst-nat', endpointIP]);
  return out;
}
