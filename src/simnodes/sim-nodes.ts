// A fleet of simulated nodes in one process: registers them, keeps them heartbeating and runs
// their pods. One node informer and one pod informer (bound pods only) serve the whole fleet.
import { Informer, stripManagedFields } from '../client/informer.js';
import type { RestClient } from '../client/rest-client.js';
import { collectionPath, R } from '../client/resources.js';
import type { Logger } from '../util/log.js';
import { Heartbeats } from './heartbeat.js';
import { HeartbeatSwitch } from './heartbeat-switch.js';
import { SimKubelet } from './kubelet.js';
import { Limiter } from '../util/limiter.js';
import type { NodeObject } from '../api/node-object.js';
import type { SimNodeOptions } from './options.js';
import type { PodObject } from './pod-status.js';
import { NodeRegistry } from './registry.js';

export class SimNodes {
  readonly registry: NodeRegistry;
  private readonly limiter: Limiter;
  private readonly nodeInformer: Informer<NodeObject>;
  private readonly podInformer: Informer<PodObject>;
  private readonly kubelet: SimKubelet;
  private readonly heartbeats: Heartbeats;
  private readonly switch: HeartbeatSwitch;

  constructor(client: RestClient, o: SimNodeOptions, log: Logger, stopHeartbeatFile?: string) {
    this.limiter = new Limiter(o.concurrency);
    this.registry = new NodeRegistry(client, o, this.limiter);
    this.nodeInformer = new Informer<NodeObject>(client, collectionPath(R.nodes), { transform: stripManagedFields });
    this.podInformer = new Informer<PodObject>(client, collectionPath(R.pods), { fieldSelector: 'spec.nodeName!=', transform: stripManagedFields });
    this.kubelet = new SimKubelet(client, this.registry, this.podInformer, this.limiter, o, log);
    this.heartbeats = new Heartbeats(this.registry, o, log);
    this.switch = new HeartbeatSwitch(stopHeartbeatFile, () => this.applySwitch());
  }

  /** Registers every node, then starts heartbeats and pod handling; resolves once registered. */
  async start(): Promise<void> {
    await this.registry.registerAll();
    this.nodeInformer.on({
      add: n => this.nodeSeen(n),
      update: (_, n) => this.nodeSeen(n),
      delete: n => {
        // Someone deleted one of our nodes: a kubelet registers itself again.
        const sim = this.registry.get(n.metadata.name);
        if (sim?.heartbeating) void this.registry.register(sim).catch(() => undefined);
      },
    });
    this.podInformer.on({
      add: p => this.kubelet.sync(p),
      update: (_, p) => this.kubelet.sync(p),
      delete: p => this.kubelet.forget(p),
    });
    this.nodeInformer.start();
    this.podInformer.start();
    await Promise.all([this.nodeInformer.waitForSync(), this.podInformer.waitForSync()]);
    this.heartbeats.start();
    this.switch.start();
  }

  stop(): void {
    this.switch.stop();
    this.heartbeats.stop();
    this.kubelet.stop();
    this.podInformer.stop();
    this.nodeInformer.stop();
  }

  private nodeSeen(n: NodeObject): void {
    const sim = this.registry.get(n.metadata.name);
    if (!sim) return;
    sim.node = n;
    this.heartbeats.observed(sim);
  }

  private applySwitch(): void {
    for (const n of this.registry.nodes.values()) {
      const heartbeating = !this.switch.stopped(n.name);
      if (heartbeating === n.heartbeating) continue;
      n.heartbeating = heartbeating;
      if (heartbeating) {
        this.heartbeats.postStatus(n);
        this.kubelet.resyncNode(n);
      }
    }
  }
}
