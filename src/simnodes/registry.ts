// The simulated nodes of this process: registration through the API (create, or adopt a Node left
// by an earlier run), their latest Node object, Lease, pod IP pool and whether they heartbeat.
import { isConflict, StatusError } from '../api/errors.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { nowTimestamp, type KubeObject } from '../api/object.js';
import type { RestClient } from '../client/rest-client.js';
import { collectionPath, objectPath, R } from '../client/resources.js';
import { renewNodeLease } from '../client/node-lease.js';
import { HEALTHY, nodeConditions, type NodeObject } from '../api/node-object.js';
import type { Limiter } from '../util/limiter.js';
import { newNode, nodeAddress, nodeName, nodeStatus } from './node-object.js';
import type { SimNodeOptions } from './options.js';
import { fallbackCidr, PodIpPool } from './pod-ips.js';

export interface SimNode {
  name: string;
  index: number;
  hostIP: string;
  registeredAt: number;
  /** False while the node plays dead: no lease renewals, no status, no pod work. */
  heartbeating: boolean;
  node?: NodeObject;
  lease?: KubeObject;
  pool?: PodIpPool;
  lastStatusAt: number;
  /** The node's own client (system:node:<name>), when nodes have their own identities. */
  client?: RestClient;
}

export class NodeRegistry {
  readonly nodes = new Map<string, SimNode>();

  constructor(private readonly client: RestClient, private readonly o: SimNodeOptions, private readonly limiter: Limiter) {
    for (let i = 0; i < o.count; i++) {
      const name = nodeName(o, i);
      this.nodes.set(name, { name, index: i, hostIP: nodeAddress(i), registeredAt: 0, heartbeating: true, lastStatusAt: 0 });
    }
  }

  /** Who writes for the node: the node itself, or the process's shared client. */
  clientOf(n: SimNode): RestClient {
    return n.client ?? this.client;
  }

  get(name: string | undefined): SimNode | undefined {
    return name === undefined ? undefined : this.nodes.get(name);
  }

  /**
   * Registers every node. A registration cut off on the way (no answer, a connection reset) is
   * tried again, as the kubelet's registerWithAPIServer does: after 100 ms, doubling up to 7 s.
   * One the server answered with an error ends it.
   */
  registerAll(onRetry: (node: string, err: unknown) => void): Promise<void[]> {
    return Promise.all([...this.nodes.values()].map(async n => {
      for (let delayMs = 100; ; delayMs = Math.min(delayMs * 2, 7_000)) {
        try {
          return await this.register(n);
        } catch (err) {
          if (err instanceof StatusError) throw err;
          onRetry(n.name, err);
          await sleep(delayMs);
        }
      }
    }));
  }

  /** Creates (or adopts) the Node, posts its status and creates its Lease. */
  async register(n: SimNode): Promise<void> {
    let node: NodeObject;
    try {
      node = await this.limiter.run(() => this.clientOf(n).create<NodeObject>(collectionPath(R.nodes), newNode(this.o, n.index, !n.client)));
    } catch (err) {
      if (!isConflict(err)) throw err;
      node = await this.limiter.run(() => this.clientOf(n).get<NodeObject>(objectPath(R.nodes, undefined, n.name)));
    }
    if (n.client && Object.keys(this.o.labels).length) {
      node = await this.limiter.run(() => this.client.patch<NodeObject>(objectPath(R.nodes, undefined, n.name), { metadata: { labels: this.o.labels } }, 'merge'));
    }
    n.node = node;
    n.registeredAt = Date.now();
    await this.postStatus(n);
    await this.renewLease(n);
  }

  /** Posts Ready and friends; lastTransitionTime moves only when the node was not Ready. */
  async postStatus(n: SimNode): Promise<void> {
    const conditions = nodeConditions(HEALTHY, n.node?.status?.conditions, nowTimestamp());
    n.lastStatusAt = Date.now();
    n.node = await this.limiter.run(() => this.clientOf(n).patch<NodeObject>(objectPath(R.nodes, undefined, n.name, 'status'),
      { status: nodeStatus(this.o, n.name, n.index, conditions) }, 'merge'));
  }

  /** Renews the node's Lease from the cached copy. */
  async renewLease(n: SimNode): Promise<void> {
    n.lease = await renewNodeLease({
      client: this.clientOf(n), nodeName: n.name, nodeUid: n.node?.metadata.uid, durationSeconds: this.o.leaseDurationSeconds,
      run: f => this.limiter.run(f),
    }, n.lease);
  }

  /**
   * The node's pod IP pool: its spec.podCIDR once assigned; before that, undefined for up to
   * podCidrWaitMs after registration, then the index-derived fallback range.
   */
  pool(n: SimNode): PodIpPool | undefined {
    if (n.pool) return n.pool;
    const cidr = n.node?.spec?.podCIDR;
    if (cidr) return (n.pool = PodIpPool.fromText(cidr));
    if (Date.now() - n.registeredAt < this.o.podCidrWaitMs) return undefined;
    return (n.pool = new PodIpPool(fallbackCidr(n.index)));
  }
}
