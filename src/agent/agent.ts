// The node agent: everything that makes this machine (or network namespace) a node of the cluster.
// It starts the container runtime, registers the Node and keeps it heartbeating, waits for the
// node's pod CIDR to write the CNI network, programs routes to the other nodes' pod networks, runs
// kube-proxy (Services in iptables), cluster DNS and the ingress controller, and runs the kubelet
// and its HTTPS server. Used by `k8ts agent` and, in-process, by `k8ts server`. Each part talks to
// the API server as its own identity (identities.ts), and their certificates are renewed before
// they expire (certificate-rotation.ts).
import { mkdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isNotFound } from '../api/errors.js';
import { Informer } from '../client/informer.js';
import { SharedInformers } from '../client/shared-informers.js';
import { ApiEventRecorder } from '../client/event-recorder.js';
import { RestClient } from '../client/rest-client.js';
import type { ClientConfig } from '../client/kubeconfig.js';
import { ServerList, startServerDiscovery } from '../client/server-discovery.js';
import { IngressController } from '../ingress/controller.js';
import { ingressNodeLabels } from '../ingress/status.js';
import { collectionPath, objectPath, R } from '../client/resources.js';
import { BUILTIN_REGISTRY, IMPORTED_ON_START, PAUSE_IMAGE } from '../kubelet/images/builtin.js';
import { builtinImageSource, ensureBuiltinImages } from '../kubelet/images/load.js';
import { Kubelet } from '../kubelet/kubelet.js';
import type { RotationPolicy } from '../kubelet/logs/rotation-plan.js';
import { LogShipper } from '../kubelet/logs/log-shipper.js';
import { nodeAddresses } from '../kubelet/node/node-addresses.js';
import type { NodeObject } from '../api/node-object.js';
import { NodeStatusLoop } from '../kubelet/node/node-status-loop.js';
import { filesystemUsage, readMachineInfo } from '../kubelet/node/machine-info.js';
import { nodeAllocatable } from '../kubelet/node/node-resources.js';
import { configurePodsCgroup } from '../kubelet/node/pods-cgroup.js';
import { readRuntimeFacts } from '../kubelet/node/runtime-facts.js';
import { KubeletServer } from '../kubelet/server/server.js';
import { KubeletMetrics } from '../kubelet/kubelet-metrics.js';
import { componentRegistry } from '../metrics/registry.js';
import { apiReviewClient } from '../kubelet/server/review-client.js';
import { ClusterDns } from '../dns/cluster-dns.js';
import { DNS_METRICS_PORT } from '../dns/dns-metrics.js';
import { NetworkPolicyEnforcer } from '../netpol/enforcer.js';
import type { ProxyMode } from '../proxy/backend.js';
import { KubeProxy } from '../proxy/proxier.js';
import { LocalPathProvisioner } from '../local-path/provisioner.js';
import { LOCAL_PATH_PROVISIONER } from '../api/local-path-class.js';
import { logger, type Logger } from '../util/log.js';
import { agentPaths } from './agent-paths.js';
import { CertificateRotation } from './certificate-rotation.js';
import { CertificateStore, identitySubject, nodeUser, requestIdentity, type ClientIdentity, type NodeClients } from './identities.js';
import type { PemPair } from '../pki/certificates.js';
import { writeCniConfig } from './cni-config.js';
import { HostGwBackend } from './host-gw.js';
import { NodeRuntime } from './node-runtime.js';
import { PodRoutes, type PodNetworkBackend } from './pod-routes.js';
import { BACKEND_ANNOTATION, VTEP_MAC_ANNOTATION, type PodNetworkBackendName } from './vxlan-plan.js';
import { ensureVtep, removeVtep, VxlanBackend, type Vtep } from './vxlan.js';

export interface AgentOptions {
  /** The node's client identities: the kubelet's (system:node:<name>), kube-proxy's and the node controllers'. */
  clients: NodeClients;
  nodeName: string;
  /** containerLogMaxSize/containerLogMaxFiles of the kubelet (default upstream's 10Mi and 5). */
  containerLogRotation?: RotationPolicy;
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
  /** How pods reach pods on other nodes: direct routes (one L2 network) or a VXLAN overlay. */
  podNetworkBackend: PodNetworkBackendName;
  registryMirrors?: Record<string, string>;
  /** The pod sandbox image of our containerd (default k8ts's own, built offline). */
  pauseImage: string;
  labels?: Record<string, string>;
  /** The built-in ingress controller's ports; undefined disables it on this node. */
  ingress?: { httpPort: number; httpsPort: number };
  /** The kubelet's --cluster-dns; default: the kube-dns Service's cluster IP. */
  clusterDNS?: string[];
  clusterDomain: string;
  /** The node's resolv.conf ("" for none): for Default-policy pods and the cluster DNS's upstreams. */
  resolvConf: string;
  /** Run the cluster DNS server on the node's IP. */
  serveClusterDns: boolean;
  /** Do not program Services into iptables (another proxy does it). */
  disableKubeProxy?: boolean;
  /** kube-proxy's data plane (upstream's --proxy-mode). */
  proxyMode?: ProxyMode;
  /** Where kube-proxy serves /healthz and /livez; undefined: nowhere. */
  proxyHealthz?: { address: string; port: number };
  /** Where kube-proxy serves /metrics; undefined: nowhere. */
  proxyMetrics?: { address: string; port: number };
  /** Enforce NetworkPolicies for this node's pods (k3s's --disable-network-policy turns it off). */
  networkPolicy?: boolean;
  /** Ship the containers' log lines to the cluster log store (default on; --disable-log-shipping). */
  logShipping?: boolean;
  /** The local-path provisioner's volume directories (`<data-dir>/storage`, as k3s); undefined disables it on this node. */
  storageDir?: string;
  log: Logger;
}

const KUBELET_STOP_WAIT_MS = 5_000;

export class Agent {
  /** The kubelet's: system:node:<name>. */
  private readonly client: RestClient;
  /** kube-proxy's: system:kube-proxy. */
  private readonly proxyClient: RestClient;
  /** Cluster DNS, ingress and NetworkPolicy's: system:k8ts-controller. */
  private readonly controllerClient: RestClient;
  private readonly certificates: CertificateStore;
  private readonly rotations: CertificateRotation[] = [];
  private readonly nodes: Informer<NodeObject>;
  /** The cluster's API servers: the configured ones, then those learned (kube-proxy's identity reads Endpoints). */
  private readonly servers: ServerList;
  private stopServerDiscovery?: () => void;
  /** One informer per resource for each identity: the kubelet's, kube-proxy's, the node controllers'. */
  private readonly informers: SharedInformers;
  private readonly proxyInformers: SharedInformers;
  private readonly controllerInformers: SharedInformers;
  /** Events from the kubelet, about its pods and its Node. */
  private readonly recorder: ApiEventRecorder;
  private runtime?: NodeRuntime;
  private status?: NodeStatusLoop;
  private routes?: PodRoutes;
  private kubelet?: Kubelet;
  private logShipper?: LogShipper;
  private kubeletServer?: KubeletServer;
  /** The kubelet's /metrics: its server's series and those the kubelet and its CRI clients record. */
  private readonly kubeletRegistry = componentRegistry();
  private readonly kubeletMetrics: KubeletMetrics;
  private ingress?: IngressController;
  private dns?: ClusterDns;
  private proxy?: KubeProxy;
  private networkPolicy?: NetworkPolicyEnforcer;
  private localPath?: LocalPathProvisioner;
  private podCIDR?: string;
  /** This node's VXLAN tunnel endpoint, with the vxlan backend. */
  private vtep?: Vtep;

  constructor(private readonly o: AgentOptions) {
    // Every client of the node fails over to the servers learned from the kubernetes Endpoints too.
    const { kubelet } = o.clients;
    this.servers = new ServerList([kubelet.server, ...(kubelet.failoverServers ?? [])]);
    const shared = (c: ClientConfig): ClientConfig => ({ ...c, serverList: this.servers });
    this.client = new RestClient(shared(o.clients.kubelet), `kubelet/${o.nodeName}`);
    this.proxyClient = new RestClient(shared(o.clients.kubeProxy), `kube-proxy/${o.nodeName}`);
    this.controllerClient = new RestClient(shared(o.clients.controller), `k8ts-controller/${o.nodeName}`);
    this.certificates = new CertificateStore(o.agentDir);
    // Every node's pod CIDR and address, for the routes: the node controller's identity reads all
    // Nodes (as k3s's flannel does with system:k3s-controller); the kubelet's may read only its own.
    this.nodes = new Informer<NodeObject>(this.controllerClient, collectionPath(R.nodes));
    this.informers = new SharedInformers(this.client);
    this.proxyInformers = new SharedInformers(this.proxyClient);
    this.controllerInformers = new SharedInformers(this.controllerClient);
    this.recorder = new ApiEventRecorder(this.client, 'kubelet', { host: o.nodeName });
    this.kubeletMetrics = new KubeletMetrics(this.kubeletRegistry, o.nodeName);
  }

  get cniConfDir(): string {
    return this.o.cniConfDir ?? agentPaths(this.o.agentDir).cniConf;
  }

  get containerdPid(): number | undefined {
    return this.runtime?.containerdPid;
  }

  async start(): Promise<void> {
    const { o } = this;
    const addresses = nodeAddresses(o.nodeName, o.nodeIP);
    const paths = agentPaths(o.agentDir);
    mkdirSync(o.agentDir, { recursive: true });
    this.rotateClientCertificates();
    this.stopServerDiscovery = startServerDiscovery(this.proxyClient, this.servers, o.log);
    writeFileSync(paths.cgroupRootFile, `${o.cgroupRoot}\n`);
    const podsCpuShares = configurePodsCgroup(o.cgroupRoot, nodeAllocatable(readMachineInfo(), filesystemUsage(o.agentDir)));
    if (podsCpuShares !== undefined) o.log('pods cgroup configured', { cgroup: o.cgroupRoot, cpuShares: podsCpuShares });
    writeFileSync(paths.netnsFile, `${readlinkSync('/proc/self/ns/net')}\n`);
    this.runtime = await NodeRuntime.start({
      endpoint: o.runtimeEndpoint, containerdDir: paths.containerd, cniConfDir: this.cniConfDir,
      registryMirrors: o.registryMirrors, sandboxImage: o.pauseImage, log: o.log, cri: { observer: this.kubeletMetrics.runtimeCall },
    });
    const runtime = this.runtime;
    // The VTEP exists before the Node is registered, so the Node carries its MAC from the start.
    let annotations: Record<string, string> | undefined;
    if (o.podNetworkBackend === 'vxlan') {
      this.vtep = await ensureVtep(addresses[0].address);
      annotations = { [BACKEND_ANNOTATION]: 'vxlan', [VTEP_MAC_ANNOTATION]: this.vtep.mac };
      o.log('VXLAN tunnel endpoint ready', { mac: this.vtep.mac, mtu: this.vtep.mtu });
    } else {
      annotations = { [BACKEND_ANNOTATION]: 'host-gw' };
      // Switched back from vxlan: the old tunnel would only carry stale routes.
      if (await removeVtep()) o.log('VXLAN tunnel endpoint of an earlier run removed');
    }
    // Pods must start without internet access: k8ts's own images are built locally when missing —
    // our sandbox image always, the others unless a registry mirror serves them by name (the big
    // k8ts image only when a pod asks for it: localImages below). Another sandbox image comes from
    // its registry.
    await ensureBuiltinImages(runtime.endpoint, IMPORTED_ON_START.filter(i => (i === PAUSE_IMAGE ? o.pauseImage === PAUSE_IMAGE : !o.registryMirrors?.[BUILTIN_REGISTRY])));
    if (o.pauseImage !== PAUSE_IMAGE && !(await runtime.images.imageStatus(o.pauseImage))) await runtime.images.pullImage(o.pauseImage);
    this.status = new NodeStatusLoop({
      client: this.client,
      registration: { name: o.nodeName, labels: { ...o.labels, ...ingressNodeLabels(!!o.ingress) }, annotations },
      rootDir: o.agentDir,
      addresses,
      kubeletPort: o.kubeletPort,
      runtimeFacts: () => readRuntimeFacts(runtime.runtime, runtime.images),
      recorder: this.recorder,
      volumesInUse: () => this.kubelet?.volumesInUse() ?? [],
      log: o.log,
    });
    await this.status.start();
    o.log('node registered', { node: o.nodeName, address: addresses[0].address });
    // Routes need forwarding between the node's interface and the pods' bridge.
    writeFileSync('/proc/sys/net/ipv4/ip_forward', '1\n');
    this.nodes.on({ add: n => this.nodeSeen(n), update: (_, n) => this.nodeSeen(n) });
    this.nodes.start();
    const backend: PodNetworkBackend = this.vtep ? new VxlanBackend(o.nodeName, o.log) : new HostGwBackend(o.nodeName, o.log);
    this.routes = new PodRoutes(this.nodes, backend, o.log);
    await this.routes.start();
    if (o.serveClusterDns) {
      this.dns = new ClusterDns({ client: this.controllerClient, informers: this.controllerInformers, nodeName: o.nodeName, address: addresses[0].address, metricsPort: DNS_METRICS_PORT, zone: o.clusterDomain, resolvConf: o.resolvConf, log: o.log });
      await this.dns.start();
    }
    if (!o.disableKubeProxy) {
      this.proxy = new KubeProxy({ client: this.proxyClient, informers: this.proxyInformers, nodeName: o.nodeName, mode: o.proxyMode, healthz: o.proxyHealthz, metrics: o.proxyMetrics, log: logger('kube-proxy') });
      await this.proxy.start();
    }
    // Before the kubelet, so the pods it adopts after a restart are policed from the start; a new
    // pod is policed as soon as its IP is reported.
    if (o.networkPolicy !== false) {
      this.networkPolicy = new NetworkPolicyEnforcer({ client: this.controllerClient, informers: this.controllerInformers, nodeName: o.nodeName, log: o.log });
      await this.networkPolicy.start();
    }
    // Made before the kubelet, whose log GC waits for it; started once the kubelet knows its pods.
    if (o.logShipping !== false) {
      this.logShipper = new LogShipper({
        client: this.client, nodeName: o.nodeName, podLogRoot: join(paths.kubelet, 'pods'), podLabels: uid => this.kubelet?.podLabels(uid), log: o.log,
      });
    }
    this.kubelet = new Kubelet({
      client: this.client, informers: this.informers, nodeName: o.nodeName, runtime: runtime.runtime, images: runtime.images,
      rootDir: paths.kubelet, nodeIPs: [addresses[0].address], cgroupRoot: o.cgroupRoot, recorder: this.recorder,
      dns: { clusterDNS: o.clusterDNS ?? await this.kubeDnsIPs(), clusterDomain: o.clusterDomain, resolvConf: o.resolvConf },
      localImages: o.registryMirrors?.[BUILTIN_REGISTRY] ? undefined : builtinImageSource(runtime.endpoint),
      logRotation: o.containerLogRotation, metrics: this.kubeletMetrics, logsShipped: this.logShipper,
    });
    await this.kubelet.start();
    this.logShipper?.start();
    if (o.storageDir) {
      this.localPath = new LocalPathProvisioner({
        client: this.controllerClient, informers: this.controllerInformers, nodeName: o.nodeName, storageDir: o.storageDir,
        recorder: new ApiEventRecorder(this.controllerClient, `${LOCAL_PATH_PROVISIONER}_${o.nodeName}`), log: o.log,
      });
      await this.localPath.start();
    }
    if (o.ingress) {
      this.ingress = new IngressController({
        client: this.controllerClient, informers: this.controllerInformers, nodeName: o.nodeName,
        nodes: this.controllerInformers.get(R.nodes) as Informer<NodeObject>, ...o.ingress, log: o.log,
      });
      await this.ingress.start();
    }
    // The API server reaches logs, exec, attach and port-forward here, with a client certificate
    // from the cluster CA; other clients come with certificates or tokens, and the API server says
    // who may do what. Without that CA there is no way to tell the API server from anyone else.
    if (o.clients.kubelet.ca) {
      const servingNames = addresses.map(a => a.address);
      const serving = this.certificates.load('kubelet-serving', nodeUser(o.nodeName));
      this.kubeletServer = new KubeletServer({
        port: o.kubeletPort, bindAddress: '0.0.0.0', clientCA: o.clients.kubelet.ca, runtime: runtime.runtime,
        nodeName: o.nodeName, servingAddresses: servingNames, log: o.log, tls: serving, reviews: apiReviewClient(this.client),
        pod: (namespace, name) => this.kubelet?.pod(namespace, name),
        volumeStats: async () => this.kubelet?.volumeStats() ?? [],
        podCgroups: () => this.kubelet?.podCgroups() ?? new Map(),
        qosCgroups: () => this.kubelet?.qosCgroups() ?? [],
        metrics: this.kubeletRegistry,
      });
      await this.kubeletServer.start();
      this.rotateServingCertificate(serving, servingNames);
    } else {
      o.log('kubelet server not started: no cluster CA to verify the API server with', { node: o.nodeName });
    }
  }

  /** Stops the agent; pods keep running in their containers, and the next start adopts them. */
  async stop(): Promise<void> {
    this.stopServerDiscovery?.();
    for (const r of this.rotations.splice(0)) r.stop();
    this.ingress?.stop();
    await this.localPath?.stop();
    await this.kubeletServer?.stop();
    await this.logShipper?.stop();
    // The kubelet finishes the pod work in hand, which can be a whole termination grace period;
    // like upstream's kubelet we do not wait that long — the next start adopts and resumes.
    const kubeletStopped = this.kubelet?.stop().then(() => true);
    if (kubeletStopped && !(await Promise.race([kubeletStopped, sleep(KUBELET_STOP_WAIT_MS, false, { ref: false })]))) {
      this.o.log('kubelet still busy at shutdown (pods terminating); the next start resumes', { waitedMs: KUBELET_STOP_WAIT_MS });
    }
    await this.dns?.stop();
    this.routes?.stop();
    await this.proxy?.stop();
    this.networkPolicy?.stop();
    this.nodes.stop();
    this.informers.stop();
    this.proxyInformers.stop();
    this.controllerInformers.stop();
    this.status?.stop();
    await this.runtime?.stop();
    this.client.close();
    this.proxyClient.close();
    this.controllerClient.close();
  }

  /** Renews each client certificate before it expires, asking as the node (selfnodeclient for its own). */
  private rotateClientCertificates(): void {
    const clients: [ClientIdentity, RestClient][] = [['kubelet', this.client], ['kube-proxy', this.proxyClient], ['k8ts-controller', this.controllerClient]];
    for (const [identity, client] of clients) {
      const rotation = new CertificateRotation({
        name: identitySubject(identity, this.o.nodeName).commonName,
        current: { cert: client.config.cert!, key: client.config.key! },
        renew: () => requestIdentity(this.client, identity, this.o.nodeName),
        rotated: pair => {
          this.certificates.save(identity, pair);
          client.rotateCertificate(pair);
        },
        log: this.o.log,
      });
      rotation.start();
      this.rotations.push(rotation);
    }
  }

  /**
   * The kubelet serves with a kubelet-serving certificate from the cluster (names: the node's
   * addresses) and renews it like the client ones; until the first arrives it serves with a
   * self-signed one, as upstream's kubelet without serverTLSBootstrap.
   */
  private rotateServingCertificate(current: PemPair | undefined, names: string[]): void {
    const renew = () => requestIdentity(this.client, 'kubelet-serving', this.o.nodeName, names);
    const use = (pair: PemPair) => {
      this.certificates.save('kubelet-serving', pair);
      this.kubeletServer?.setServingCertificate(pair);
    };
    const rotate = (pair: PemPair) => {
      const rotation = new CertificateRotation({ name: 'kubelet-serving', current: pair, renew, rotated: use, log: this.o.log });
      rotation.start();
      this.rotations.push(rotation);
    };
    if (current) return rotate(current);
    const first = new CertificateRotation({
      name: 'kubelet-serving', current: { cert: '', key: '' }, renew, log: this.o.log,
      rotated: pair => {
        use(pair);
        first.stop();
        rotate(pair);
      },
    });
    first.renewNow();
    this.rotations.push(first);
  }

  /** The cluster IPs of kube-system/kube-dns (a joining agent's default --cluster-dns); none if it is missing. */
  private async kubeDnsIPs(): Promise<string[]> {
    try {
      const svc = await this.client.get<{ spec?: { clusterIPs?: string[]; clusterIP?: string } }>(objectPath(R.services, 'kube-system', 'kube-dns'));
      return (svc.spec?.clusterIPs ?? [svc.spec?.clusterIP ?? '']).filter(ip => ip && ip !== 'None');
    } catch (err) {
      if (!isNotFound(err)) throw err;
      this.o.log('no kube-system/kube-dns Service: pods get the node\'s resolvers (--cluster-dns sets a DNS server)', { node: this.o.nodeName });
      return [];
    }
  }

  /** Our own Node got (or changed) its pod CIDR: write the CNI network, then report at once. */
  private nodeSeen(n: NodeObject): void {
    if (n.metadata.name !== this.o.nodeName) return;
    const cidr = n.spec?.podCIDR;
    if (!cidr || cidr === this.podCIDR) return;
    this.podCIDR = cidr;
    if (writeCniConfig(this.cniConfDir, cidr, agentPaths(this.o.agentDir).cniNetworks, this.vtep?.mtu)) {
      this.o.log('pod network configured', { podCIDR: cidr, confDir: this.cniConfDir, mtu: this.vtep?.mtu });
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
