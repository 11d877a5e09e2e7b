// Keeps this node's routes to the other nodes' pod networks following the Node objects, through a
// backend (host-gw.ts: a route via each node's IP; vxlan.ts: a tunnel to each node). Level-triggered:
// every change hands the backend the whole node list, bursts of updates (heartbeats) are coalesced,
// and one reconcile runs at a time.
import type { Informer } from '../client/informer.js';
import type { NodeObject } from '../api/node-object.js';
import type { Logger } from '../util/log.js';

export interface PodNetworkBackend {
  /** Learns what an earlier run left in the kernel, before the first apply. */
  adopt?(): Promise<void>;
  /** Brings the kernel in line with the nodes. */
  apply(nodes: NodeObject[]): Promise<void>;
}

export class PodRoutes {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;

  constructor(private readonly nodes: Informer<NodeObject>, private readonly backend: PodNetworkBackend, private readonly log: Logger) {}

  async start(): Promise<void> {
    await this.backend.adopt?.();
    const kick = () => this.schedule();
    this.nodes.on({ add: kick, update: kick, delete: kick });
    await this.nodes.waitForSync();
    await this.reconcile();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

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
    this.running = this.backend.apply(this.nodes.list())
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
}
