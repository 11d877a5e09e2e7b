// The host-gw pod network: for every other node with a pod CIDR and an InternalIP, a route
// `<podCIDR> via <nodeIP>` in this node's namespace, so pods reach pods on other nodes without NAT
// or tunnels (all nodes share one L2 segment). Routes of deleted nodes are removed, and stale routes
// a previous run left behind are cleared on start.
import { internalIPs, podCIDRs, type NodeObject } from '../api/node-object.js';
import type { Logger } from '../util/log.js';
import { deleteCommand, listOwnRoutes, replaceCommand, runRouteCommands, type Route } from './ip-route.js';
import type { PodNetworkBackend } from './pod-routes.js';

export function desiredRoutes(nodes: NodeObject[], self: string): Map<string, string> {
  const routes = new Map<string, string>();
  for (const n of nodes) {
    if (n.metadata.name === self) continue;
    const ip = internalIPs(n)[0];
    for (const cidr of podCIDRs(n)) {
      if (ip && !cidr.includes(':') && !ip.includes(':')) routes.set(cidr, ip);
    }
  }
  return routes;
}

export class HostGwBackend implements PodNetworkBackend {
  /** What the table holds (dst → via), as far as we know. */
  private applied = new Map<string, string>();
  /** Routes the kernel refused, so they are not retried until the node's address or CIDR changes. */
  private refused = new Map<string, string>();

  constructor(private readonly self: string, private readonly log: Logger) {}

  async adopt(): Promise<void> {
    for (const r of await listOwnRoutes()) this.applied.set(r.dst, r.via);
  }

  async apply(nodes: NodeObject[]): Promise<void> {
    const want = desiredRoutes(nodes, this.self);
    const replace: Route[] = [];
    for (const [dst, via] of want) {
      if (this.applied.get(dst) !== via && this.refused.get(dst) !== via) replace.push({ dst, via });
    }
    const remove = [...this.applied.keys()].filter(dst => !want.has(dst));
    for (const dst of [...this.refused.keys()]) if (!want.has(dst)) this.refused.delete(dst);
    if (!replace.length && !remove.length) return;
    const commands = [...replace.map(replaceCommand), ...remove.map(deleteCommand)];
    const failed = await runRouteCommands(commands);
    const refused: string[] = [];
    replace.forEach((r, i) => {
      const error = failed.get(i);
      if (error === undefined) {
        this.applied.set(r.dst, r.via);
        this.refused.delete(r.dst);
        this.log('route to pod network added', { podCIDR: r.dst, via: r.via });
      } else {
        this.refused.set(r.dst, r.via);
        refused.push(`${r.dst} via ${r.via}: ${error}`);
      }
    });
    // One line however many: nodes off this L2 segment (e.g. simulated ones) are refused in bulk.
    if (refused.length) this.log('routes to pod networks refused', { count: refused.length, first: refused.slice(0, 3) });
    remove.forEach((dst, i) => {
      const error = failed.get(replace.length + i);
      // "No such process": already gone, which is what we wanted.
      if (error === undefined || /No such process/.test(error)) {
        this.applied.delete(dst);
        this.log('route to pod network removed', { podCIDR: dst });
      } else {
        this.log('route removal failed', { podCIDR: dst, error });
      }
    });
  }
}
