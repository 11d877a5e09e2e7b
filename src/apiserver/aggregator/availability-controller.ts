// Keeps every APIService's Available condition current, as upstream's local and remote
// availability controllers run inside kube-apiserver: local ones are always available; a
// Service-backed one is checked (availability.ts, then discovery-check.ts) whenever it, its Service
// or its EndpointSlices change, every 30 s besides (the network can fail without an event), and
// with backoff after a failure. A successful check's answer is the group-version's discovery.
import { setCondition } from '../../api/conditions.js';
import type { KubeObject } from '../../api/object.js';
import type { APIService, EndpointSlice, Service } from '../../api/types/generated.js';
import { runQueueWorker, type SyncResult } from '../../client/queue-worker.js';
import { WorkQueue } from '../../client/work-queue.js';
import type { PemPair } from '../../pki/certificates.js';
import type { ServiceResolver } from '../admission/webhook/client.js';
import { systemContext } from '../context.js';
import { namespacePrefix } from '../registry/keys.js';
import type { Registry } from '../registry/registry.js';
import { localAvailableCondition } from '../registry/strategies/apiservices.js';
import { discoveryCondition, preflightCondition } from './availability.js';
import { checkDiscovery } from './discovery-check.js';

const RESYNC_MS = 30_000;
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** An extension server's APIResourceList (meta/v1; its resources are passed on as they came). */
export interface DiscoveredResources {
  groupVersion?: string;
  resources: Record<string, unknown>[];
}

/** The last discovery document each Service-backed APIService's server gave, by APIService name. */
export type RemoteDiscovery = Map<string, DiscoveredResources>;

export class AvailabilityController {
  private readonly queue = new WorkQueue<string>({ baseDelayMs: 5, maxDelayMs: RESYNC_MS });
  private readonly unsubscribe: (() => void)[] = [];
  private resync?: NodeJS.Timeout;

  constructor(
    private readonly registry: Registry,
    private readonly resolve: ServiceResolver,
    private readonly client: PemPair,
    readonly discovery: RemoteDiscovery,
    private readonly log?: (msg: string, fields?: Record<string, unknown>) => void,
  ) {}

  private get apiServices() {
    return this.registry.get('apiregistration.k8s.io', 'apiservices');
  }

  start(): void {
    const enqueueAll = () => {
      for (const { object } of this.apiServices.cache.list()) this.queue.add(object.metadata.name ?? '');
    };
    this.unsubscribe.push(this.apiServices.cache.subscribe(events => {
      for (const e of events) this.queue.add(e.current.object.metadata.name ?? '');
    }));
    // A Service or EndpointSlice change concerns the APIServices that name that Service.
    const byService = (namespace: string, name: string | undefined) => {
      for (const { object } of this.apiServices.cache.list()) {
        const ref = (object as APIService).spec?.service;
        if (ref && ref.namespace === namespace && ref.name === name) this.queue.add(object.metadata.name ?? '');
      }
    };
    this.unsubscribe.push(this.registry.get('', 'services').cache.subscribe(events => {
      for (const e of events) byService(e.current.object.metadata.namespace ?? '', e.current.object.metadata.name);
    }));
    this.unsubscribe.push(this.registry.get('discovery.k8s.io', 'endpointslices').cache.subscribe(events => {
      for (const e of events) byService(e.current.object.metadata.namespace ?? '', e.current.object.metadata.labels?.[SERVICE_NAME_LABEL]);
    }));
    enqueueAll();
    this.resync = setInterval(enqueueAll, RESYNC_MS);
    this.resync.unref();
    void runQueueWorker(this.queue, name => this.sync(name),
      (name, err) => this.log?.('APIService availability sync failed', { name, error: (err as Error).message }));
  }

  stop(): void {
    for (const u of this.unsubscribe.splice(0)) u();
    clearInterval(this.resync);
    this.queue.shutdown();
  }

  /** An unavailable APIService is checked again with backoff. */
  private async sync(name: string): Promise<SyncResult | undefined> {
    const apiService = this.apiServices.getCached('', name)?.object as (KubeObject & APIService) | undefined;
    if (!apiService) {
      this.discovery.delete(name);
      return undefined;
    }
    const ref = apiService.spec?.service;
    if (!ref) {
      this.discovery.delete(name);
      await this.writeCondition(apiService, localAvailableCondition());
      return undefined;
    }
    const service = this.registry.get('', 'services').getCached(ref.namespace ?? '', ref.name ?? '')?.object as Service | undefined;
    const slices = this.registry.get('discovery.k8s.io', 'endpointslices');
    const own = slices.cache.list(namespacePrefix(slices.info, ref.namespace ?? ''))
      .map(c => c.object as unknown as EndpointSlice)
      .filter(s => s.metadata?.labels?.[SERVICE_NAME_LABEL] === ref.name);
    let condition = preflightCondition(apiService, service, own);
    if (!condition) {
      const check = await checkDiscovery(apiService, this.resolve, this.client);
      if (check.ok) this.remember(name, check.body);
      condition = discoveryCondition(check.ok ? undefined : check.error);
    }
    await this.writeCondition(apiService, condition);
    return condition.status === 'True' ? undefined : { requeue: true };
  }

  private remember(name: string, body: string): void {
    try {
      const list = JSON.parse(body) as DiscoveredResources;
      if (list && Array.isArray(list.resources)) this.discovery.set(name, list);
    } catch {
      // Not a discovery document: the check passed, but there is nothing to list.
    }
  }

  /** Writes the condition through /status when it differs from the recorded one (never a no-op write). */
  private async writeCondition(apiService: KubeObject & APIService, condition: ReturnType<typeof discoveryCondition>): Promise<void> {
    const conditions = setCondition(apiService.status?.conditions, condition);
    if (JSON.stringify(conditions) === JSON.stringify(apiService.status?.conditions ?? [])) return;
    const prior = apiService.status?.conditions?.find(c => c.type === 'Available');
    if (prior?.status !== condition.status) this.log?.('changing APIService availability', { name: apiService.metadata.name, oldStatus: prior?.status ?? 'Unknown', newStatus: condition.status, reason: condition.reason });
    await this.apiServices.update(systemContext('system:kube-aggregator'), '', apiService.metadata.name ?? '', { ...apiService, status: { ...apiService.status, conditions } }, { subresource: 'status' });
  }
}
