// kube-proxy's series with upstream's names and buckets (pkg/proxy/metrics): how long rule syncs
// take (all, full and partial), when the last one succeeded and when a change was last queued, the
// Service and EndpointSlice changes seen and still pending, iptables rules owned per table and
// restore failures, and the network programming latency — from the change that made the
// EndpointSlice controller rewrite a slice (its endpoints.kubernetes.io/last-change-trigger-time)
// to the rules being in the kernel.

import { Counter, exponentialBuckets, Gauge, Histogram, linearBuckets, type Registry } from '../metrics/registry.js';

const SYNC_BUCKETS = exponentialBuckets(0.001, 2, 15);
// Upstream merges these onto a leading 0 bucket: 0, 0.25 s, 0.5 s, 1..59 s, 60..115 s, 2..5 min.
const PROGRAMMING_BUCKETS = [0, ...linearBuckets(0.25, 0.25, 2), ...linearBuckets(1, 1, 59), ...linearBuckets(60, 5, 12), ...linearBuckets(120, 30, 7)];

export class ProxyMetrics {
  private readonly syncDuration: Histogram;
  private readonly fullSyncDuration: Histogram;
  private readonly partialSyncDuration: Histogram;
  private readonly lastSync: Gauge;
  private readonly lastQueued: Gauge;
  private readonly programming: Histogram;
  private readonly endpointChanges: Counter;
  private readonly serviceChanges: Counter;
  private readonly endpointPending: Gauge;
  private readonly servicePending: Gauge;
  private readonly iptablesRules: Gauge<'table'>;
  private readonly restoreFailures: Counter;
  /** Trigger times of slice changes not yet programmed (epoch ms). */
  private triggers: number[] = [];

  constructor(registry: Registry) {
    const registers = [registry];
    const histogram = (name: string, help: string, buckets: number[]) => new Histogram({ name, help, buckets, registers });
    this.syncDuration = histogram('kubeproxy_sync_proxy_rules_duration_seconds', '[ALPHA] SyncProxyRules latency in seconds', SYNC_BUCKETS);
    this.fullSyncDuration = histogram('kubeproxy_sync_full_proxy_rules_duration_seconds', '[ALPHA] SyncProxyRules latency in seconds for full resyncs', SYNC_BUCKETS);
    this.partialSyncDuration = histogram('kubeproxy_sync_partial_proxy_rules_duration_seconds', '[ALPHA] SyncProxyRules latency in seconds for partial resyncs', SYNC_BUCKETS);
    this.programming = histogram('kubeproxy_network_programming_duration_seconds', '[ALPHA] In Cluster Network Programming Latency in seconds', PROGRAMMING_BUCKETS);
    this.lastSync = new Gauge({ name: 'kubeproxy_sync_proxy_rules_last_timestamp_seconds', registers, help: '[ALPHA] The last time proxy rules were successfully synced' });
    this.lastQueued = new Gauge({ name: 'kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds', registers, help: '[ALPHA] The last time a sync of proxy rules was queued' });
    this.endpointChanges = new Counter({ name: 'kubeproxy_sync_proxy_rules_endpoint_changes_total', registers, help: '[ALPHA] Cumulative proxy rules Endpoint changes' });
    this.serviceChanges = new Counter({ name: 'kubeproxy_sync_proxy_rules_service_changes_total', registers, help: '[ALPHA] Cumulative proxy rules Service changes' });
    this.endpointPending = new Gauge({ name: 'kubeproxy_sync_proxy_rules_endpoint_changes_pending', registers, help: '[ALPHA] Pending proxy rules Endpoint changes' });
    this.servicePending = new Gauge({ name: 'kubeproxy_sync_proxy_rules_service_changes_pending', registers, help: '[ALPHA] Pending proxy rules Service changes' });
    this.iptablesRules = new Gauge({ name: 'kubeproxy_sync_proxy_rules_iptables_total', labelNames: ['table'], registers, help: '[ALPHA] Total number of iptables rules owned by kube-proxy' });
    this.restoreFailures = new Counter({ name: 'kubeproxy_sync_proxy_rules_iptables_restore_failures_total', registers, help: '[ALPHA] Cumulative proxy iptables restore failures' });
  }

  /** An EndpointSlice was added, changed or deleted; `triggerMs` is its new trigger time, if it has a new one. */
  endpointsChanged(triggerMs?: number): void {
    this.endpointChanges.inc();
    this.endpointPending.inc();
    if (triggerMs !== undefined) this.triggers.push(triggerMs);
    this.queued();
  }

  serviceChanged(): void {
    this.serviceChanges.inc();
    this.servicePending.inc();
    this.queued();
  }

  /** A sync was asked for. */
  queued(): void {
    this.lastQueued.set(Date.now() / 1000);
  }

  /** A sync is about to read the caches: what changed until now is what it programs. */
  syncStarting(): { triggers: number[] } {
    const taken = { triggers: this.triggers };
    this.triggers = [];
    this.endpointPending.set(0);
    this.servicePending.set(0);
    return taken;
  }

  /**
   * A sync wrote the rules. `rulesPerTable` is what the iptables data plane owns (absent for
   * nftables); the changes it took, with their trigger times, are programmed now.
   */
  synced(full: boolean, seconds: number, taken: { triggers: number[] }, rulesPerTable?: Record<string, number>): void {
    this.syncDuration.observe(seconds);
    (full ? this.fullSyncDuration : this.partialSyncDuration).observe(seconds);
    const now = Date.now();
    this.lastSync.set(now / 1000);
    for (const t of taken.triggers) this.programming.observe(Math.max(0, now - t) / 1000);
    for (const [table, n] of Object.entries(rulesPerTable ?? {})) this.iptablesRules.set({ table }, n);
  }

  /** A sync failed: the changes it took are still to be programmed (the retry takes them). */
  syncFailed(taken: { triggers: number[] }, restoreFailed: boolean): void {
    this.triggers = taken.triggers.concat(this.triggers);
    if (restoreFailed) this.restoreFailures.inc();
  }
}
