// The kubelet: turns the pods bound to this node into containers through CRI and reports their
// status. Pods arrive through an informer (fieldSelector spec.nodeName); each pod's uid is a key in
// a work queue, so one pod is never synced by two workers at once. A pod is synced when its object
// changes, when the runtime's state of it changes (a PLEG-like relist of CRI every second), when a
// probe result flips, when a backoff ends, and periodically. On start, whatever the runtime holds is
// adopted: containers of existing pods keep running, those of pods that no longer exist are removed.
import { join } from 'node:path';
import { internalIPs } from '../api/node-object.js';
import type { Node, Service } from '../api/types/generated.js';
import { Informer } from '../client/informer.js';
import type { SharedInformers } from '../client/shared-informers.js';
import type { RestClient } from '../client/rest-client.js';
import { collectionPath, objectPath, R } from '../client/resources.js';
import { ApiEventRecorder, type EventRecorder } from '../client/event-recorder.js';
import { logger, type Logger } from '../util/log.js';
import { WorkQueue } from '../client/work-queue.js';
import { milliValue, parseQuantity } from '../api/quantity.js';
import type { ImageClient, RuntimeClient } from './cri/client.js';
import type { NodeFacts } from './downward-api.js';
import { ImageManager, type LocalImageSource } from './images.js';
import * as L from './labels.js';
import { ApiObjectSource } from './object-source.js';
import { PodDnsConfigurer, type KubeletDnsOptions } from './pod-dns.js';
import { PodSyncer } from './pod-sync.js';
import { PodCgroupManager } from './cm/pod-cgroup-manager.js';
import { probeKindText, ProberManager } from './prober/prober-manager.js';
import type { NodeObject, PodObject, ServiceObject } from './types.js';
import { ContainerLogManager, DEFAULT_ROTATION_POLICY } from './logs/container-log-manager.js';
import { LogGarbageCollector, type ShippedLogs } from './logs/log-gc.js';
import type { RotationPolicy } from './logs/rotation-plan.js';
import { TokenManager } from './token/token-manager.js';
import { CsiDrivers } from './csi/drivers.js';
import { NodeInfoManager } from './csi/node-info.js';
import { CsiRegistrationHandler } from './csi/registration-handler.js';
import { PluginWatcher } from './pluginmanager/plugin-watcher.js';
import { CSI_PLUGIN_TYPE } from '../client/csi/types.js';
import { ApiCsiVolumeSource, CsiVolumePlugin } from './volumes/csi-plugin.js';
import { HostPathVolumePlugin, LocalVolumePlugin } from './volumes/local-pv.js';
import type { ClaimVolumeStats } from './volumes/volume-stats.js';
import { PodVolumes } from './volumes/pod-volumes.js';
import type { PersistentVolumePlugin } from './volumes/pv-plugin.js';
import type { KubeletMetrics, PodWorkerOperation } from './kubelet-metrics.js';
import { PodStartupTracker } from './pod-startup-latency.js';
import { errorMessage } from '../util/error-message.js';

export interface KubeletOptions {
  client: RestClient;
  /** The agent's informers, shared by its components: each resource is listed, watched and cached once per node. */
  informers: SharedInformers;
  nodeName: string;
  runtime: RuntimeClient;
  images: ImageClient;
  /** Pod volumes under `<rootDir>/pods/<uid>`, logs under `<rootDir>/pods/<ns>_<name>_<uid>`. */
  rootDir: string;
  /** Defaults to an ApiEventRecorder with component "kubelet". */
  recorder?: EventRecorder;
  /** --cluster-dns, --cluster-domain, --resolv-conf; without a cluster DNS, ClusterFirst pods use the node's resolvers. */
  dns?: KubeletDnsOptions;
  /** The node's IPs (status.hostIP(s)); defaults to the Node object's InternalIP addresses. */
  nodeIPs?: string[];
  /** The pods' cgroup (--cgroup-root): the QoS classes' and pods' cgroups are made below it. */
  cgroupRoot: string;
  /**
   * Periodic sync of every pod (default 10 s): refreshes API-data volumes and node facts. Exits,
   * probe results, backoff ends and deadlines trigger syncs of their own, so this can be slow.
   */
  resyncIntervalMs?: number;
  /** CRI relist for container state changes (default 1 s). */
  relistIntervalMs?: number;
  /** Pods synced in parallel (default 16). */
  workers?: number;
  /** Images the node provides itself (k8ts's own) instead of pulling them. */
  localImages?: LocalImageSource;
  log?: Logger;
  /** Container log rotation (default upstream's containerLogMaxSize 10Mi, containerLogMaxFiles 5). */
  logRotation?: RotationPolicy;
  /** How often logs are checked for rotation (default 10 s, as upstream's). */
  logRotationPeriodMs?: number;
  /**
   * The log shipper: log GC removes no container log before it is shipped (or a minute has
   * passed). Undefined when logs are not shipped: garbage logs are removed at once.
   */
  logsShipped?: ShippedLogs;
  /** How often container log garbage is looked for (default 10 s). */
  logGcPeriodMs?: number;
  /** PV plugins beyond the built-in local and hostPath ones (e.g. CSI); see volumes/pv-plugin.ts. */
  volumePlugins?: PersistentVolumePlugin[];
  /** The kubelet's series (pod workers, pod startup, pods and containers started); absent: none kept. */
  metrics?: KubeletMetrics;
}

export class Kubelet {
  private readonly pods: Informer<PodObject>;
  private readonly services: Informer<ServiceObject>;
  private readonly queue = new WorkQueue<string>({ baseDelayMs: 500, maxDelayMs: 30_000 });
  private readonly prober: ProberManager;
  private readonly syncer: PodSyncer;
  private readonly volumes: PodVolumes;
  /** CSI drivers registered through `<root>/plugins_registry`, and the plugin that mounts their volumes. */
  private readonly csiDrivers = new CsiDrivers();
  private readonly csiNodeInfo: NodeInfoManager;
  private readonly csiVolumes: CsiVolumePlugin;
  private readonly pluginWatcher: PluginWatcher;
  private readonly logs: ContainerLogManager;
  private readonly logGc: LogGarbageCollector;
  private readonly cgroups: PodCgroupManager;
  private readonly log: Logger;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly workers: Promise<void>[] = [];
  /** Container/sandbox id → state, from the last relist. */
  private lastRelist = new Map<string, string>();
  /** Pods that changed (not only their status) since their last sync: the next one is an "update". */
  private readonly changed = new Set<string>();
  /** Pods synced at least once: a first sync is a "create". */
  private readonly synced = new Set<string>();
  private readonly startup?: PodStartupTracker;
  private nodeFacts: NodeFacts & { memoryBytes: number; labels?: Record<string, string> } = { hostIPs: [], allocatable: {}, memoryBytes: 0 };
  private stopped = false;

  constructor(private readonly o: KubeletOptions) {
    this.log = o.log ?? logger('kubelet');
    this.cgroups = new PodCgroupManager(o.cgroupRoot);
    const recorder = o.recorder ?? new ApiEventRecorder(o.client, 'kubelet', { host: o.nodeName });
    this.pods = new Informer<PodObject>(o.client, collectionPath(R.pods), { fieldSelector: `spec.nodeName=${o.nodeName}` });
    this.pods.addIndex('uid', p => [p.metadata.uid ?? '']);
    this.services = o.informers.get<ServiceObject>(R.services);
    const objects = new ApiObjectSource(o.client);
    this.csiNodeInfo = new NodeInfoManager(o.client, o.nodeName);
    this.csiVolumes = new CsiVolumePlugin({ drivers: this.csiDrivers, api: new ApiCsiVolumeSource(o.client), nodeName: o.nodeName, recorder, log: this.log });
    this.pluginWatcher = new PluginWatcher({
      dir: join(o.rootDir, 'plugins_registry'),
      handlers: { [CSI_PLUGIN_TYPE]: new CsiRegistrationHandler(this.csiDrivers, this.csiNodeInfo, this.log) },
      log: this.log,
    });
    this.volumes = new PodVolumes(o.rootDir, objects, [new LocalVolumePlugin(), new HostPathVolumePlugin(), this.csiVolumes, ...(o.volumePlugins ?? [])]);
    this.prober = new ProberManager(o.runtime, {
      failed: (pod, kind, output) => recorder.event({ ...pod, apiVersion: 'v1', kind: 'Pod' }, 'Warning', 'Unhealthy', `${probeKindText(kind)} probe failed: ${output}`),
      changed: uid => this.queue.add(uid),
    });
    this.logs = new ContainerLogManager(o.runtime, o.logRotation ?? DEFAULT_ROTATION_POLICY, this.log);
    this.logGc = new LogGarbageCollector({
      podLogRoot: join(o.rootDir, 'pods'), runtime: o.runtime, shipped: o.logsShipped, log: this.log,
      podExists: uid => this.pods.byIndex('uid', uid).length > 0,
    });
    if (o.metrics) this.startup = new PodStartupTracker(o.metrics);
    this.syncer = new PodSyncer({
      metrics: o.metrics,
      client: o.client, runtime: o.runtime, images: new ImageManager(o.images, objects, o.localImages, this.startup), objects, tokens: new TokenManager(o.client), volumes: this.volumes,
      prober: this.prober, recorder, rootDir: o.rootDir, cgroups: this.cgroups,
      dns: new PodDnsConfigurer({ ...o.dns, nodeName: o.nodeName, nodeIPs: () => this.nodeFacts.hostIPs, recorder }),
      node: () => this.nodeFacts, pods: () => this.pods.list(), services: () => this.services.list() as unknown as Service[],
    });
  }

  /** Starts watching and syncing; resolves once existing pods and runtime state are adopted. */
  async start(): Promise<void> {
    await this.refreshNode();
    // Drivers register before pods are adopted, so the CSI volumes of running pods can be torn down.
    await this.csiNodeInfo.initialize().catch(err => this.log('CSINode not initialized', { error: errorMessage(err) }));
    await this.pluginWatcher.start();
    this.pods.on({
      add: p => {
        this.startup?.observed(p);
        this.queue.add(p.metadata.uid!);
      },
      update: (old, p) => {
        this.startup?.observed(p);
        if (!onlyStatusChanged(old, p)) this.changed.add(p.metadata.uid!);
        this.queue.add(p.metadata.uid!);
      },
      delete: p => {
        this.startup?.forget(p.metadata.uid!);
        this.queue.add(p.metadata.uid!);
      },
    });
    this.pods.start();
    await Promise.all([this.pods.waitForSync(), this.services.waitForSync()]);
    const burstableShares = this.cgroups.updateQos(this.pods.list());
    if (burstableShares !== undefined) this.log('QoS cgroups ready', { root: this.o.cgroupRoot, burstableCpuShares: burstableShares });
    // Adoption: every pod the runtime or the disk knows of gets a sync; pods still in the API keep
    // their running containers, the rest are cleaned up.
    await this.relist();
    for (const uid of this.volumes.knownPods()) this.queue.add(uid);
    this.queueOrphanedCgroups();
    for (let i = 0; i < (this.o.workers ?? 16); i++) this.workers.push(this.work());
    this.every(this.o.relistIntervalMs ?? 1000, () => this.relist());
    this.logs.start(this.o.logRotationPeriodMs);
    this.every(this.o.logGcPeriodMs ?? 10_000, async () => {
      for (const path of await this.logGc.collect()) this.log('container logs removed', { path });
    });
    this.every(this.o.resyncIntervalMs ?? 10_000, async () => {
      await this.refreshNode();
      for (const p of this.pods.list()) this.queue.add(p.metadata.uid!);
      this.cgroups.updateQos(this.pods.list());
      this.queueOrphanedCgroups();
    });
  }

  /** The pod as this kubelet last saw it in the API (the kubelet server's log messages use its status). */
  pod(namespace: string, name: string): PodObject | undefined {
    return this.pods.get(`${namespace}/${name}`);
  }

  /** The labels of a pod bound to this node, by uid, as last seen in the API (the log shipper's source metadata). */
  podLabels(uid: string): Record<string, string> | undefined {
    const pod = this.pods.byIndex('uid', uid)[0];
    return pod ? { ...pod.metadata.labels } : undefined;
  }

  /** The pods' own cgroups on this node, by pod uid (the kubelet server's pod-level usage). */
  podCgroups(): Map<string, string> {
    return this.cgroups.podCgroups();
  }

  /** The pods' cgroup and its QoS classes' cgroups (the kubelet server's cAdvisor series). */
  qosCgroups(): string[] {
    return this.cgroups.qosCgroups();
  }

  /** Usage of the claims' CSI volumes on this node (kubelet_volume_stats_* on /metrics). */
  volumeStats(): Promise<ClaimVolumeStats[]> {
    return this.csiVolumes.volumeStats();
  }

  /** Unique names of the PV-backed volumes of this node's pods (Node status.volumesInUse). */
  volumesInUse(): string[] {
    return this.volumes.volumesInUse();
  }

  /** Stops syncing; containers keep running (a restarted kubelet adopts them). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await this.pluginWatcher.stop();
    this.pods.stop();
    this.prober.stop();
    await this.logs.stop();
    this.queue.shutdown();
    await Promise.all(this.workers);
    this.csiDrivers.close();
  }

  private async work(): Promise<void> {
    for (;;) {
      const uid = await this.queue.get();
      if (uid === undefined) return;
      const started = performance.now();
      const pod = this.pods.byIndex('uid', uid)[0];
      const operation = this.workerOperation(uid, pod);
      try {
        if (pod) {
          const r = await this.syncer.sync(pod);
          if (r.retryAfterMs !== undefined && !this.stopped) this.queue.addAfter(uid, r.retryAfterMs);
        } else {
          await this.syncer.cleanup(uid);
        }
        this.queue.forget(uid);
      } catch (err) {
        this.log('pod sync failed', { uid, error: errorMessage(err) });
        if (!this.stopped) this.queue.addRateLimited(uid);
      } finally {
        this.o.metrics?.podSynced(operation, started);
        this.queue.done(uid);
      }
    }
  }

  /** What upstream's pod worker would call this sync: a first one, after a change, periodic, or a kill. */
  private workerOperation(uid: string, pod: PodObject | undefined): PodWorkerOperation {
    const changed = this.changed.delete(uid);
    if (!pod) {
      this.synced.delete(uid);
      return 'kill';
    }
    if (pod.metadata.deletionTimestamp) return 'kill';
    if (!this.synced.has(uid)) {
      this.synced.add(uid);
      return 'create';
    }
    return changed ? 'update' : 'sync';
  }

  /**
   * Pod cgroups of no pod bound here (left by a pod deleted while the kubelet was down) are
   * cleaned up like any unknown pod's remains, as upstream's cleanupOrphanedPodCgroups.
   */
  private queueOrphanedCgroups(): void {
    for (const uid of this.cgroups.podCgroups().keys()) if (!this.pods.byIndex('uid', uid).length) this.queue.add(uid);
  }

  /** Lists CRI sandboxes and containers; pods whose runtime state changed are synced. */
  private async relist(): Promise<void> {
    const [sandboxes, containers] = await Promise.all([this.o.runtime.listPodSandbox(), this.o.runtime.listContainers()]);
    const now = new Map<string, string>();
    const owner = new Map<string, string>();
    for (const s of sandboxes) {
      const uid = s.labels[L.POD_UID];
      if (!uid) continue;
      now.set(s.id, s.state);
      owner.set(s.id, uid);
    }
    for (const c of containers) {
      const uid = c.labels[L.POD_UID];
      if (!uid) continue;
      now.set(c.id, c.state);
      owner.set(c.id, uid);
    }
    const dirty = new Set<string>();
    for (const [id, st] of now) if (this.lastRelist.get(id) !== st) dirty.add(owner.get(id)!);
    this.lastRelist = now;
    for (const uid of dirty) this.queue.add(uid);
  }

  private async refreshNode(): Promise<void> {
    let node: NodeObject | undefined;
    try {
      node = await this.o.client.get<NodeObject>(objectPath(R.nodes, undefined, this.o.nodeName));
    } catch {
      // Not registered yet (the options' IPs, nothing else known), or unreachable: what we knew stands.
      if (this.nodeFacts.labels) return;
    }
    const addrs = internalIPs(node as Node | undefined);
    const allocatable = ((node as Node | undefined)?.status?.allocatable ?? {}) as Record<string, string>;
    const capacityMemory = (node as Node | undefined)?.status?.capacity?.memory;
    this.nodeFacts = {
      hostIPs: this.o.nodeIPs?.length ? this.o.nodeIPs : addrs,
      allocatable,
      memoryBytes: capacityMemory ? Number(milliValue(parseQuantity(capacityMemory)) / 1000n) : 0,
      labels: node ? (node.metadata.labels ?? {}) : undefined,
    };
  }

  private every(ms: number, fn: () => Promise<void>): void {
    let running = false;
    const t = setInterval(() => {
      if (running || this.stopped) return;
      running = true;
      fn().catch(err => this.log('periodic task failed', { error: errorMessage(err) })).finally(() => (running = false));
    }, ms);
    this.timers.push(t);
  }
}

/** A pod whose new version differs from the old only in status and bookkeeping (what the kubelet writes itself). */
function onlyStatusChanged(old: PodObject, now: PodObject): boolean {
  const a = old.metadata;
  const b = now.metadata;
  return a.deletionTimestamp === b.deletionTimestamp && JSON.stringify(old.spec) === JSON.stringify(now.spec)
    && JSON.stringify(a.labels) === JSON.stringify(b.labels) && JSON.stringify(a.annotations) === JSON.stringify(b.annotations);
}
