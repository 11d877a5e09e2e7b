// host-gw pod networking: for every other node with a pod CIDR and an InternalIP, a route
// `<podCIDR> via <nodeIP>` in this node's namespace, so pods reach pods on other nodes without NAT
// or tunnels (all nodes share one L2 segment). Level-triggered: every change recomputes the whole
// desired table and applies only the difference; routes of deleted nodes are removed, and stale
// routes a previous run left behind are cleared on start.
import type { Informer } from '../client/informer.js';
import type { NodeObject } from '../kubelet/node/node-object.js';
import type { Logger } from '../util/log.js';
import { deleteCommand, listOwnRoutes, replaceCommand, runRouteCommands, type Route } from './ip-route.js';

export function desiredRoutes(nodes: NodeObject[], self: string): Map<string, string> {
  const routes = new Map<string, string>();
  for (const n of nodes) {
    if (n.metadata.name === self) continue;
    const ip = n.status?.addresses?.find(a => a.type === 'InternalIP')?.address;
    for (const cidr of n.spec?.podCIDRs ?? (n.spec?.podCIDR ? [n.spec.podCIDR] : [])) {
      if (ip && !cidr.includes(':') && !ip.includes(':')) routes.set(cidr, ip);
    }
  }
  return routes;
}

export class PodRoutes {
  /** What the table holds (dst → via), as far as we know. */
  private applied = new Map<string, string>();
  /** Routes the kernel refused, so they are not retried until the node's address or CIDR changes. */
  private refused = new Map<string, string>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;

  constructor(private readonly nodes: Informer<NodeObject>, private readonly self: string, private readonly log: Logger) {}

  async start(): Promise<void> {
    for (const r of await listOwnRoutes()) this.applied.set(r.dst, r.via);
    const kick = () => this.schedule();
    this.nodes.on({ add: kick, update: kick, delete: kick });
    await this.nodes.waitForSync();
    await this.reconcile();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  /** Coalesces bursts of node updates (heartbeats) into one reconcile. */
  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.reconcile();
    }, 100);
  }

  private reconcile(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.apply()
      .catch(err => this.log('pod routes update failed', { error: String(err) }))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.schedule();
        }
      });
    return this.running;
  }

  private async apply(): Promise<void> {
    const want = desiredRoutes(this.nodes.list(), this.self);
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
