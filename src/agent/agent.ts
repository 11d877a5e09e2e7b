// The node agent: everything that makes this machine (or network namespace) a node of the cluster.
// It starts the container runtime, registers the Node and keeps it heartbeating, waits for the
// node's pod CIDR to write the CNI network, programs routes to the other nodes' pod networks, and
// runs the kubelet and its HTTPS server. Used by `k8ts agent` and, in-process, by `k8ts server`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Informer } from '../client/informer.js';
import { ApiEventRecorder } from '../controllers/event-recorder.js';
import type { ClientConfig } from '../client/kubeconfig.js';
import { RestClient } from '../client/rest-client.js';
import { collectionPath, R } from '../client/resources.js';
import { BUILTIN_IMAGES, BUILTIN_REGISTRY, PAUSE_IMAGE } from '../kubelet/images/builtin.js';
import { ensureBuiltinImages } from '../kubelet/images/load.js';
import { Kubelet } from '../kubelet/kubelet.js';
import { nodeAddresses } from '../kubelet/node/node-addresses.js';
import type { NodeObject } from '../kubelet/node/node-object.js';
import { NodeStatusLoop } from '../kubelet/node/node-status-loop.js';
import { readRuntimeFacts } from '../kubelet/node/runtime-facts.js';
import { KubeletServer } from '../kubelet/server/server.js';
import { NetworkPolicyEnforcer } from '../netpol/enforcer.js';
import type { Logger } from '../util/log.js';
import { writeCniConfig } from './cni-config.js';
import { NodeRuntime } from './node-runtime.js';
import { PodRoutes } from './pod-routes.js';

export interface AgentOptions {
  client: ClientConfig;
  nodeName: string;
  /** InternalIP; default the first non-loopback IPv4. */
  nodeIP?: string;
  /** The agent's own directory (containerd, CNI state, kubelet root). */
  agentDir: string;
  /** An existing CRI socket instead of our own containerd. */
  runtimeEndpoint?: string;
  /** Where the CNI conflist goes; with our own containerd, under agentDir. */
  cniConfDir?: string;
  kubeletPort: number;
  /** Parent cgroup of every pod (upstream's --cgroup-root). */
  cgroupRoot: string;
  registryMirrors?: Record<string, string>;
  /** The pod sandbox image of our containerd (default k8ts's own, built offline). */
  pauseImage: string;
  labels?: Record<string, string>;
  /** Enforce NetworkPolicies for this node's pods (k3s's --disable-network-policy turns it off). */
  networkPolicy?: boolean;
  log: Logger;
}

const KUBELET_STOP_WAIT_MS = 5_000;

export class Agent {
  private readonly client: RestClient;
  private readonly nodes: Informer<NodeObject>;
  /** Events from the kubelet, about its pods and its Node. */
  private readonly recorder: ApiEventRecorder;
  private runtime?: NodeRuntime;
  private status?: NodeStatusLoop;
  private routes?: PodRoutes;
  private kubelet?: Kubelet;
  private kubeletServer?: KubeletServer;
  private networkPolicy?: NetworkPolicyEnforcer;
  private podCIDR?: string;

  constructor(private readonly o: AgentOptions) {
    this.client = new RestClient(o.client, `k8ts-agent/${o.nodeName}`);
    this.nodes = new Informer<NodeObject>(this.client, collectionPath(R.nodes));
    this.recorder = new ApiEventRecorder(this.client, 'kubelet', { host: o.nodeName });
  }

  get cniConfDir(): string {
    return this.o.cniConfDir ?? join(this.o.agentDir, 'etc', 'cni', 'net.d');
  }

  get containerdPid(): number | undefined {
    return this.runtime?.containerdPid;
  }

  async start(): Promise<void> {
    const { o } = this;
    const addresses = nodeAddresses(o.nodeName, o.nodeIP);
    this.runtime = await NodeRuntime.start({
      endpoint: o.runtimeEndpoint, containerdDir: join(o.agentDir, 'containerd'), cniConfDir: this.cniConfDir,
      registryMirrors: o.registryMirrors, sandboxImage: o.pauseImage, log: o.log,
    });
    const runtime = this.runtime;
    // Pods must start without internet access: k8ts's own images are built locally when missing —
    // our sandbox image always, the others unless a registry mirror serves them by name. Another
    // sandbox image comes from its registry.
    await ensureBuiltinImages(runtime.endpoint, BUILTIN_IMAGES.filter(i => (i === PAUSE_IMAGE ? o.pauseImage === PAUSE_IMAGE : !o.registryMirrors?.[BUILTIN_REGISTRY])));
    if (o.pauseImage !== PAUSE_IMAGE && !(await runtime.images.imageStatus(o.pauseImage))) await runtime.images.pullImage(o.pauseImage);
    this.status = new NodeStatusLoop({
      client: this.client,
      registration: { name: o.nodeName, labels: o.labels },
      rootDir: o.agentDir,
      addresses,
      kubeletPort: o.kubeletPort,
      runtimeFacts: () => readRuntimeFacts(runtime.runtime, runtime.images),
      recorder: this.recorder,
      log: o.log,
    });
    await this.status.start();
    o.log('node registered', { node: o.nodeName, address: addresses[0].address });
    // Routes need forwarding between the node's interface and the pods' bridge.
    writeFileSync('/proc/sys/net/ipv4/ip_forward', '1\n');
    this.nodes.on({ add: n => this.nodeSeen(n), update: (_, n) => this.nodeSeen(n) });
    this.nodes.start();
    this.routes = new PodRoutes(this.nodes, o.nodeName, o.log);
    await this.routes.start();
    // Before the kubelet, so the pods it adopts after a restart are policed from the start; a new
    // pod is policed as soon as its IP is reported.
    if (o.networkPolicy !== false) {
      this.networkPolicy = new NetworkPolicyEnforcer({ client: this.client, nodeName: o.nodeName, log: o.log });
      await this.networkPolicy.start();
    }
    this.kubelet = new Kubelet({
      client: this.client, nodeName: o.nodeName, runtime: runtime.runtime, images: runtime.images,
      rootDir: join(o.agentDir, 'kubelet'), nodeIPs: [addresses[0].address], cgroupParent: o.cgroupRoot, recorder: this.recorder,
    });
    await this.kubelet.start();
    // The API server reaches logs, exec, attach and port-forward here, with a client certificate
    // from the cluster CA; without that CA there is no way to tell the API server from anyone else.
    if (o.client.ca) {
      this.kubeletServer = new KubeletServer({
        port: o.kubeletPort, bindAddress: '0.0.0.0', clientCA: o.client.ca, runtime: runtime.runtime,
        nodeName: o.nodeName, servingAddresses: addresses.map(a => a.address), log: o.log,
        pod: (namespace, name) => this.kubelet?.pod(namespace, name),
      });
      await this.kubeletServer.start();
    } else {
      o.log('kubelet server not started: no cluster CA to verify the API server with', { node: o.nodeName });
    }
  }

  /** Stops the agent; pods keep running in their containers, and the next start adopts them. */
  async stop(): Promise<void> {
    await this.kubeletServer?.stop();
    // The kubelet finishes the pod work in hand, which can be a whole termination grace period;
    // like upstream's kubelet we do not wait that long — the next start adopts and resumes.
    const kubeletStopped = this.kubelet?.stop().then(() => true);
    if (kubeletStopped && !(await Promise.race([kubeletStopped, sleep(KUBELET_STOP_WAIT_MS, false, { ref: false })]))) {
      this.o.log('kubelet still busy at shutdown (pods terminating); the next start resumes', { waitedMs: KUBELET_STOP_WAIT_MS });
    }
    this.routes?.stop();
    this.networkPolicy?.stop();
    this.nodes.stop();
    this.status?.stop();
    await this.runtime?.stop();
    this.client.close();
  }

  /** Our own Node got (or changed) its pod CIDR: write the CNI network, then report at once. */
  private nodeSeen(n: NodeObject): void {
    if (n.metadata.name !== this.o.nodeName) return;
    const cidr = n.spec?.podCIDR;
    if (!cidr || cidr === this.podCIDR) return;
    this.podCIDR = cidr;
    if (writeCniConfig(this.cniConfDir, cidr, join(this.o.agentDir, 'cni', 'networks'))) {
      this.o.log('pod network configured', { podCIDR: cidr, confDir: this.cniConfDir });
    }
    void this.reportReadySoon();
  }

  /** containerd notices the new network within a moment; post Ready then, not at the next tick. */
  private async reportReadySoon(): Promise<void> {
    for (let i = 0; i < 20 && this.status && !this.status.ready; i++) {
      await sleep(500);
      await this.status.sync();
    }
  }
}
