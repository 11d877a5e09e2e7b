// A fleet of simulated nodes in one process: registers them, keeps them heartbeating and runs
// their pods. One node informer and one pod informer (bound pods only) serve the whole fleet,
// reading as the process's kubeconfig; each node writes as itself (system:node:<name>, a client
// certificate from a kube-apiserver-client-kubelet CSR) unless nodeIdentities is off.
import { Informer, stripManagedFields } from '../client/informer.js';
import { RestClient } from '../client/rest-client.js';
import { requestCertificate } from '../client/certificate-request.js';
import { SIGNER_KUBELET_CLIENT } from '../api/csr.js';
import { collectionPath, R } from '../client/resources.js';
import type { Logger } from '../util/log.js';
import { errorMessage } from '../util/error-message.js';
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

  constructor(private readonly client: RestClient, private readonly o: SimNodeOptions, private readonly log: Logger, stopHeartbeatFile?: string) {
    this.limiter = new Limiter(o.concurrency);
    this.registry = new NodeRegistry(client, o, this.limiter);
    this.nodeInformer = new Informer<NodeObject>(client, collectionPath(R.nodes), { transform: stripManagedFields });
    this.podInformer = new Informer<PodObject>(client, collectionPath(R.pods), { fieldSelector: 'spec.nodeName!=', transform: stripManagedFields });
    this.kubelet = new SimKubelet(this.registry, this.podInformer, this.limiter, o, log);
    this.heartbeats = new Heartbeats(this.registry, o, log);
    this.switch = new HeartbeatSwitch(stopHeartbeatFile, () => this.applySwitch());
  }

  /** Registers every node, then starts heartbeats and pod handling; resolves once registered. */
  async start(): Promise<void> {
    if (this.o.nodeIdentities) await this.obtainIdentities();
    await this.registry.registerAll((node, err) => this.log('registering the node again', { node, error: errorMessage(err) }));
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
    for (const n of this.registry.nodes.values()) n.client?.close();
  }

  /** A client certificate per node, as a kubelet's TLS bootstrap gets it (auto-approved as nodeclient). */
  private async obtainIdentities(): Promise<void> {
    await Promise.all([...this.registry.nodes.values()].map(async n => {
      const pair = await this.limiter.run(() => requestCertificate(this.client, {
        signerName: SIGNER_KUBELET_CLIENT, usages: ['digital signature', 'client auth'],
        subject: { commonName: `system:node:${n.name}`, organizations: ['system:nodes'] }, pollMs: 250,
      }));
      const { server, failoverServers, serverList, ca, insecureSkipTLSVerify } = this.client.config;
      n.client = new RestClient({ server, failoverServers, serverList, ca, insecureSkipTLSVerify, cert: pair.cert, key: pair.key }, `k8ts-sim-nodes/${n.name}`);
    }));
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
