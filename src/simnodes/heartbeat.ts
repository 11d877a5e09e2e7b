// Node heartbeats: each node's Lease is renewed once per interval, the nodes spread evenly over
// the interval (one slice per second) so 5,000 nodes cost a steady trickle, not a burst. A node
// whose renewal failed is retried at the next slice (about a second later, as upstream's kubelet
// retries within 200 ms to 7 s), not a whole interval later; and when a node's client leaves its
// server for another (RestClient.onFailover), the node renews at once through the new one. Status
// is re-posted every 5 minutes (upstream's nodeStatusReportFrequency) or at once when the node is
// seen not Ready (the node lifecycle controller marked it Unknown while it was silent).
import type { Logger } from '../util/log.js';
import { isReady } from '../api/node-object.js';
import type { SimNodeOptions } from './options.js';
import type { NodeRegistry, SimNode } from './registry.js';

const STATUS_REPORT_MS = 5 * 60_000;
const SLICE_MS = 1000;

export class Heartbeats {
  private timer?: NodeJS.Timeout;
  private unsubscribe: (() => void)[] = [];
  private tick = 0;
  private readonly posting = new Set<string>();
  /** Nodes whose last renewal is still in flight: a slow server gets no second, conflicting PUT. */
  private readonly renewing = new Set<string>();
  /** Nodes whose last renewal failed: retried at every slice until one succeeds. */
  private readonly retrying = new Set<string>();

  constructor(private readonly registry: NodeRegistry, private readonly o: SimNodeOptions, private readonly log: Logger) {}

  start(): void {
    const slices = Math.max(1, Math.round(this.o.heartbeatIntervalMs / SLICE_MS));
    const sliceMs = this.o.heartbeatIntervalMs / slices;
    this.timer = setInterval(() => {
      const slice = this.tick++ % slices;
      for (const n of this.registry.nodes.values()) {
        if (n.index % slices !== slice && !this.retrying.has(n.name)) continue;
        this.renew(n);
        if (n.heartbeating && n.node && Date.now() - n.lastStatusAt > STATUS_REPORT_MS) this.postStatus(n);
      }
    }, sliceMs);
    for (const n of this.registry.nodes.values()) this.unsubscribe.push(this.registry.clientOf(n).onFailover(() => this.renew(n)));
  }

  stop(): void {
    clearInterval(this.timer);
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
  }

  /**
   * Renews the node's Lease unless it plays dead, is not registered yet, or a renewal is in flight
   * (one on a server just left fails with it, and is retried at the next slice).
   */
  private renew(n: SimNode): void {
    if (!n.heartbeating || !n.node || this.renewing.has(n.name)) return;
    this.renewing.add(n.name);
    this.registry.renewLease(n)
      .then(() => this.retrying.delete(n.name), err => {
        this.retrying.add(n.name);
        this.log('lease renewal failed', { node: n.name, error: String(err) });
      })
      .finally(() => this.renewing.delete(n.name));
  }

  /** Called with each update of one of our Nodes. */
  observed(n: SimNode): void {
    if (n.heartbeating && n.node && !isReady(n.node)) this.postStatus(n);
  }

  postStatus(n: SimNode): void {
    if (this.posting.has(n.name)) return;
    this.posting.add(n.name);
    this.registry.postStatus(n)
      .catch(err => this.log('node status update failed', { node: n.name, error: String(err) }))
      .finally(() => this.posting.delete(n.name));
  }
}
