// The API server's storage series with upstream's (v1.32 etcd3 metrics) names, labels and buckets:
// every request to the backend by operation and resource type, its latency and its failures, and
// the database's size. Requests are recorded by MeteredStore (metered-store.ts), one per resource.

import { Counter, Gauge, Histogram, type Registry } from '../metrics/registry.js';

/** Upstream's etcd3 operation names: get, list, listWithCount (a count-only range), create, update, delete. */
export type StorageOperation = 'get' | 'list' | 'listWithCount' | 'create' | 'update' | 'delete';

type Labels = 'operation' | 'type';

// The same buckets as apiserver_request_duration_seconds, as upstream keeps them.
const DURATION_BUCKETS = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];

export class StorageMetrics {
  private readonly duration: Histogram<Labels>;
  private readonly requests: Counter<Labels>;
  private readonly errors: Counter<Labels>;

  /** @param dbSize the backend's database size, read at scrape time (undefined: no sample). */
  constructor(registry: Registry, dbSize: () => Promise<number | undefined>) {
    const registers = [registry];
    this.duration = new Histogram({
      name: 'etcd_request_duration_seconds', labelNames: ['operation', 'type'], buckets: DURATION_BUCKETS, registers,
      help: '[ALPHA] Etcd request latency in seconds for each operation and object type.',
    });
    this.requests = new Counter({
      name: 'etcd_requests_total', labelNames: ['operation', 'type'], registers,
      help: '[ALPHA] Etcd request counts for each operation and object type.',
    });
    this.errors = new Counter({
      name: 'etcd_request_errors_total', labelNames: ['operation', 'type'], registers,
      help: '[ALPHA] Etcd failed request counts for each operation and object type.',
    });
    new Gauge({
      name: 'apiserver_storage_size_bytes', labelNames: ['storage_cluster_id'], registers,
      help: '[STABLE] Size of the storage database file physically allocated in bytes.',
      async collect() {
        this.reset();
        // A backend that does not answer leaves the series out for this scrape, as upstream's monitor does.
        const size = await dbSize().catch(() => undefined);
        // Upstream names the i-th storage cluster etcd-<i>; this server has exactly one.
        if (size !== undefined) this.set({ storage_cluster_id: 'etcd-0' }, size);
      },
    });
  }

  /**
   * One request ended. `failed` means the backend failed to answer (not a create that found the
   * key, an update whose revision no longer matched, or a missing key: upstream's etcd3 store sees
   * those as successful transactions).
   */
  record(labels: { operation: StorageOperation; type: string }, startedMs: number, failed: boolean): void {
    this.duration.observe(labels, (performance.now() - startedMs) / 1000);
    this.requests.inc(labels);
    if (failed) this.errors.inc(labels);
  }
}
