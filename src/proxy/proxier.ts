// kube-proxy, run by the node agent inside the node's network namespace. It watches Services,
// EndpointSlices and its own Node, and on every change works out every service port's endpoints
// (service-ports.ts), then has its data plane — iptables (iptables-backend.ts) or nftables
// (nft/backend.ts), upstream's --proxy-mode — write to the kernel only what differs from the last
// sync. Full syncs read back the kernel's rules and take them over: a restarted agent rewrites its
// rules in place and drops leftovers.
import { Informer } from '../client/informer.js';
import { HandlerRegistrations, type SharedInformers } from '../client/shared-informers.js';
import type { RestClient } from '../client/rest-client.js';
import { collectionPath, R } from '../client/resources.js';
import type { Logger } from '../util/log.js';
import type { Server } from 'node:http';
import { HealthCheckServers } from './health-checks.js';
import { ProxierHealth, serveProxierHealth } from './proxier-health.js';
import type { ProxyBackend, ProxyMode } from './backend.js';
import { conntrackDelete } from './iptables.js';
import { IptablesBackend } from './iptables-backend.js';
import { NftablesBackend } from './nft/backend.js';
import { servicePorts, type ServicePortInfo } from './service-ports.js';
import { staleConntrackFlows } from './stale-conntrack.js';
import { SyncRunner } from './sync-runner.js';
import { ProxyMetrics } from './proxy-metrics.js';
import { componentRegistry, listenMetrics } from '../metrics/registry.js';
import { LAST_CHANGE_TRIGGER_TIME_ANNOTATION, SERVICE_NAME_LABEL } from '../api/endpoint-slice-labels.js';
import { internalIPs } from '../api/node-object.js';
import type { KubeObject } from '../api/object.js';
import { type EndpointSliceObject, type NodeFacts, type NodeObject, type ServiceObject } from './types.js';

export interface KubeProxyOptions {
  client: RestClient;
  /** The agent's informers, shared by its components: each resource is listed, watched and cached once per node. */
  informers: SharedInformers;
  nodeName: string;
  log: Logger;
  /** The data plane (upstream's --proxy-mode); iptables when not given. */
  mode?: ProxyMode;
  /** Where /healthz and /livez listen (upstream's --healthz-bind-address); undefined: nowhere. */
  healthz?: { address: string; port: number };
  /** Where /metrics (and /healthz) listen over HTTP (upstream's --metrics-bind-address); undefined: nowhere. */
  metrics?: { address: string; port: number };
  /**
   * Upstream's --iptables-min-sync-period. Ours defaults to 250 ms, not 1 s: a partial sync rewrites
   * only the changed Services' chains (~20 ms of iptables CPU at 1,000 Services), and a Service
   * becomes reachable only after several events in a row (the Service, its EndpointSlice, the
   * slice's endpoints turning ready), each of which may need a sync.
   */
  minSyncIntervalMs?: number;
  /** How often every chain is rewritten even without changes. */
  fullSyncIntervalMs?: number;
  /**
   * Program the rules of another network namespace (a path under /var/run/netns) instead of this
   * process's; health-check servers still listen in this process's namespace.
   */
  netns?: string;
}

export interface SyncStats {
  full: boolean;
  chainsWritten: number;
  chainsDeleted: number;
  durationMs: number;
}

const BY_SERVICE = 'service';

export class KubeProxy {
  private readonly services: Informer<ServiceObject>;
  private readonly slices: Informer<EndpointSliceObject>;
  private readonly node: Informer<NodeObject>;
  private readonly runner: SyncRunner;
  private readonly handlers = new HandlerRegistrations();
  private readonly healthChecks: HealthCheckServers;
  /** Upstream's timeout: twice its default --iptables-sync-period of 30 s. */
  private readonly health = new ProxierHealth(60_000);
  private healthServer?: Server;
  /** kube-proxy's registry: its own series and the process's. */
  readonly registry = componentRegistry();
  private readonly metrics = new ProxyMetrics(this.registry);
  private metricsServer?: Server;
  private readonly backend: ProxyBackend;
  private appliedPorts: ServicePortInfo[] = [];
  private lastProblems = new Set<string>();
  private firstSyncDone?: () => void;
  /** Called after each successful sync (benchmarks and tests observe syncs here). */
  onSync?: (stats: SyncStats) => void;

  constructor(private readonly o: KubeProxyOptions) {
    this.services = o.informers.get<ServiceObject>(R.services);
    this.slices = o.informers.get<EndpointSliceObject>(R.endpointslices).addIndex(BY_SERVICE, s => (s.metadata.labels?.[SERVICE_NAME_LABEL] ? [`${s.metadata.namespace}/${s.metadata.labels[SERVICE_NAME_LABEL]}`] : []));
    this.node = new Informer<NodeObject>(o.client, collectionPath(R.nodes), { fieldSelector: `metadata.name=${o.nodeName}` });
    this.healthChecks = new HealthCheckServers(o.log);
    this.backend = o.mode === 'nftables' ? new NftablesBackend(o.netns) : new IptablesBackend(o.netns);
    this.runner = new SyncRunner(full => this.sync(full), {
      minIntervalMs: o.minSyncIntervalMs ?? 250, burstSyncs: 2, fullSyncIntervalMs: o.fullSyncIntervalMs ?? 5 * 60_000, retryMs: 2000,
    });
  }

  /** Resolves once the caches are filled and the first (full) sync was attempted. */
  async start(): Promise<void> {
    // No sync before every cache is filled: rules from half a picture would reject Services whose
    // slices have not arrived yet.
    let synced = false;
    const kick = () => {
      if (!synced) return;
      this.health.queued();
      this.runner.request();
    };
    const serviceChanged = () => {
      this.metrics.serviceChanged();
      kick();
    };
    const sliceChanged = (old: KubeObject | undefined, now: KubeObject | undefined) => {
      this.metrics.endpointsChanged(newTriggerTime(old, now));
      kick();
    };
    this.handlers.add(this.services, { add: serviceChanged, update: serviceChanged, delete: serviceChanged });
    this.handlers.add(this.slices, { add: s => sliceChanged(undefined, s), update: (o, s) => sliceChanged(o, s), delete: () => sliceChanged(undefined, undefined) });
    // The Node changes with every heartbeat; only its addresses and pod CIDR matter here.
    const facts = (n: NodeObject) => JSON.stringify([n.status?.addresses, n.spec?.podCIDR]);
    this.node.on({ add: kick, update: (old, now) => facts(old) !== facts(now) && kick(), delete: kick });
    this.node.start();
    await Promise.all([this.services.waitForSync(), this.slices.waitForSync(), this.node.waitForSync()]);
    synced = true;
    // As upstream's kube-proxy: rules another mode left (an earlier run with another --proxy-mode) go.
    const removed = await this.backend.removeOtherModes().catch(err => {
      this.o.log('cannot remove the other proxy mode\'s rules', { error: (err as Error).message });
      return [];
    });
    if (removed.length) this.o.log('removed rules of another proxy mode', { mode: this.backend.mode, removed: removed.length });
    if (this.o.metrics) {
      const { address, port } = this.o.metrics;
      this.metricsServer = listenMetrics(this.registry, address, port, err => this.o.log('metrics server failed', { address: `${address}:${port}`, error: err.message }));
    }
    if (this.o.healthz) this.healthServer = serveProxierHealth(this.health, () => this.node.get(this.o.nodeName), this.o.healthz.address, this.o.healthz.port, this.o.log);
    this.health.queued();
    const firstSync = new Promise<void>(resolve => (this.firstSyncDone = resolve));
    this.runner.requestFull();
    await firstSync;
  }

  /** Rewrites every chain at the next sync (as after a failure, or for measuring a full sync). */
  requestFullSync(): void {
    this.runner.requestFull();
  }

  /** Stops watching. The rules stay, so Services keep working while the agent restarts. */
  async stop(): Promise<void> {
    this.runner.stop();
    this.handlers.removeAll();
    this.node.stop();
    await this.runner.idle();
    await this.healthChecks.close();
    await new Promise(resolve => this.healthServer ? this.healthServer.close(resolve) : resolve(undefined));
    await new Promise(resolve => this.metricsServer ? this.metricsServer.close(resolve) : resolve(undefined));
  }

  private nodeFacts(): NodeFacts {
    const node = this.node.get(this.o.nodeName);
    return {
      name: this.o.nodeName,
      ips: internalIPs(node).filter(ip => !ip.includes(':')),
      podCIDR: node?.spec?.podCIDR,
    };
  }

  private async sync(full: boolean): Promise<void> {
    const started = performance.now();
    const changes = this.metrics.syncStarting();
    try {
      const node = this.nodeFacts();
      const { ports, problems } = servicePorts(this.services.list(), key => this.slices.byIndex(BY_SERVICE, key), node);
      this.reportProblems(problems);
      let result;
      try {
        result = await this.backend.sync(ports, node, full);
      } catch (err) {
        this.metrics.syncFailed(changes, this.backend.mode === 'iptables');
        throw err;
      }
      this.metrics.synced(full, (performance.now() - started) / 1000, changes, result.iptablesRules);
      const stale = staleConntrackFlows(this.appliedPorts, ports);
      this.appliedPorts = ports;
      this.healthChecks.update(result.healthChecks);
      this.health.synced();
      for (const flow of stale) await conntrackDelete(flow, this.o.netns).catch(err => this.o.log('conntrack cleanup failed', { error: (err as Error).message }));
      const stats = { full, chainsWritten: result.chainsWritten, chainsDeleted: result.chainsDeleted, durationMs: performance.now() - started };
      if (full || stats.chainsWritten || stats.chainsDeleted) this.o.log('proxy rules synced', { ...stats, mode: this.backend.mode, services: ports.length, durationMs: Math.round(stats.durationMs) });
      this.onSync?.(stats);
    } catch (err) {
      this.o.log('proxy rules sync failed', { full, error: (err as Error).message });
      throw err;
    } finally {
      // start() returns after the first attempt; a failed one is retried by the runner.
      this.firstSyncDone?.();
      this.firstSyncDone = undefined;
    }
  }

  private reportProblems(problems: string[]): void {
    const now = new Set(problems);
    const fresh = problems.filter(p => !this.lastProblems.has(p));
    this.lastProblems = now;
    if (fresh.length) this.o.log('service ports skipped', { problems: fresh.slice(0, 10), count: fresh.length });
  }
}

/** A slice's trigger time (epoch ms) when this change brought a new one (upstream observes each once). */
function newTriggerTime(old: KubeObject | undefined, now: KubeObject | undefined): number | undefined {
  const value = now?.metadata.annotations?.[LAST_CHANGE_TRIGGER_TIME_ANNOTATION];
  if (!value || value === old?.metadata.annotations?.[LAST_CHANGE_TRIGGER_TIME_ANNOTATION]) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
