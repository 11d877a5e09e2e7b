// The aggregation layer of the API server (upstream's kube-aggregator, which runs in front of
// kube-apiserver): which requests go to an extension API server or to a server running in this
// process (the metrics API), the controllers that keep APIServices (local ones registered, every
// one's availability checked), and the aggregated groups discovery lists (with k8ts's own why and
// history APIs, object-path-apis.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { openapiGeneration, openapiV2 } from '../../api/openapi-docs.js';
import type { APIService } from '../../api/types/generated.js';
import type { OpenApiV2Source } from '../handlers/non-resource.js';
import type { PemPair } from '../../pki/certificates.js';
import type { ServiceResolver } from '../admission/webhook/client.js';
import type { Registry } from '../registry/registry.js';
import { AvailabilityController, type RemoteDiscovery } from './availability-controller.js';
import { aggregatedGroups, type AggregatedGroup } from './discovery.js';
import { AggregatedOpenAPI } from './openapi.js';
import { OpenAPIDownloads, type IndexEntry } from './openapi-downloads.js';
import { mergeSwaggerDocuments, type SwaggerDocument } from './openapi-v2-merge.js';
import type { JsonValue } from '../patch/json.js';
import { APIServiceProxy } from './proxy.js';
import { HISTORY_API, WHY_API } from './object-path-apis.js';
import { LocalAPIServiceRegistration } from './registration-controller.js';
import { inProcessServerOf, type InProcessGroupVersion } from './local-apiservices.js';
import type { RequestInfo } from '../request-info.js';

/**
 * An extension API served inside this process, behind a local APIService (no `service`): requests
 * for its group-version come to it authenticated and authorized, as a proxied request would.
 */
export interface InProcessAPI extends InProcessGroupVersion {
  /** The group-version's APIResourceList entries, for discovery. */
  resources(): Record<string, unknown>[];
  /** Its OpenAPI documents (Swagger 2 for /openapi/v2, OpenAPI 3 for /openapi/v3), as an extension server publishes them. */
  openapi?: { v2(): Record<string, unknown>; v3(): Buffer };
  serve(req: IncomingMessage, res: ServerResponse, url: URL, ri: RequestInfo): void | Promise<void>;
}

export interface AggregatorOptions {
  /** The front-proxy client certificate the aggregator presents to extension servers. */
  proxyClient: PemPair;
  resolve: ServiceResolver;
  /** Group-versions this process serves itself. */
  inProcess?: InProcessAPI[];
  /**
   * Whether the history API is served (the server's --history-retention is not 0); it is listed
   * in discovery only then. Unset means served, as the flag's default is. The why API is always
   * served, so always listed.
   */
  historyServed?: boolean;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export class Aggregator {
  readonly proxy: APIServiceProxy;
  readonly openapi: AggregatedOpenAPI;
  private readonly discovered: RemoteDiscovery = new Map();
  private readonly availability: AvailabilityController;
  private readonly registration: LocalAPIServiceRegistration;
  private readonly openapiDownloads: OpenAPIDownloads;
  /** The last merged /openapi/v2, by the local document's generation and the merged documents' etags. */
  private mergedV2?: OpenApiV2Source;
  private readonly inProcess: InProcessAPI[];

  constructor(private readonly registry: Registry, o: AggregatorOptions) {
    this.inProcess = [...o.inProcess ?? [], WHY_API, ...o.historyServed === false ? [] : [HISTORY_API]];
    this.proxy = new APIServiceProxy(o.proxyClient, o.resolve);
    this.openapi = new AggregatedOpenAPI(o.proxyClient, o.resolve, this.inProcess);
    this.availability = new AvailabilityController(registry, o.resolve, o.proxyClient, this.discovered, o.log);
    this.registration = new LocalAPIServiceRegistration(registry, this.inProcess, o.log);
    this.openapiDownloads = new OpenAPIDownloads(registry, (a, path) => this.openapi.fetch(a, path), o.log);
  }

  async start(): Promise<void> {
    await this.registration.start();
    this.availability.start();
    this.openapiDownloads.start();
  }

  stop(): void {
    this.registration.stop();
    this.availability.stop();
    this.openapiDownloads.stop();
  }

  /** The Service-backed APIService serving `/apis/<group>/<version>[/...]`, if the path is one's. */
  route(pathname: string): APIService | undefined {
    const m = /^\/apis\/([^/]+)\/([^/]+)(?:\/|$)/.exec(pathname);
    return m ? this.remote(m[1], m[2]) : undefined;
  }

  /**
   * The in-process API serving `/apis/<group>/<version>[/...]`, while its APIService is the local
   * one (someone who replaced it by a Service-backed one, e.g. to run metrics-server, gets theirs).
   */
  inProcessRoute(pathname: string): InProcessAPI | undefined {
    const m = /^\/apis\/([^/]+)\/([^/]+)(?:\/|$)/.exec(pathname);
    // Every request to a group's path asks: its APIService is read only when an in-process API serves the path.
    const api = m ? this.inProcess.find(a => a.group === m[1] && a.version === m[2]) : undefined;
    const apiService = api && this.apiService(api.group, api.version);
    return apiService && !apiService.spec?.service ? api : undefined;
  }

  /**
   * The APIService whose OpenAPI v3 document `/openapi/v3/apis/<group>/<version>` is: a
   * Service-backed one, or a local one an in-process API with documents serves.
   */
  openapiRoute(pathname: string): APIService | undefined {
    const m = /^\/openapi\/v3\/apis\/([^/]+)\/([^/]+)\/?$/.exec(pathname);
    const apiService = m ? this.apiService(m[1], m[2]) : undefined;
    return apiService?.spec?.service || (apiService && inProcessServerOf(apiService, this.inProcess)?.openapi) ? apiService : undefined;
  }

  private remote(group: string, version: string): APIService | undefined {
    const apiService = this.apiService(group, version);
    return apiService?.spec?.service ? apiService : undefined;
  }

  private apiService(group: string, version: string): APIService | undefined {
    return this.registry.get('apiregistration.k8s.io', 'apiservices').getCached('', `${version}.${group}`)?.object as APIService | undefined;
  }

  /** The APIServices of groups this server does not serve itself. */
  private extensionAPIServices(): APIService[] {
    const local = new Set(this.registry.catalog.groups().map(g => g.name));
    return this.registry.get('apiregistration.k8s.io', 'apiservices').cache.list().map(c => c.object as APIService)
      .filter(a => !local.has(a.spec?.group ?? ''));
  }

  /** The aggregated servers' entries of the /openapi/v3 index, as last downloaded (in-process APIs' at once). */
  openapiIndex(): Record<string, IndexEntry> {
    const out: Record<string, IndexEntry> = {};
    for (const a of this.extensionAPIServices()) {
      const entry = this.openapi.inProcessIndexEntry(a) ?? this.openapiDownloads.v3IndexEntry(a);
      if (entry) out[`apis/${a.spec?.group}/${a.spec?.version}`] = entry;
    }
    return out;
  }

  /** The groups served by extension servers, in discovery order. */
  groups(): AggregatedGroup[] {
    const local = new Set(this.registry.catalog.groups().map(g => g.name));
    const apiServices = this.registry.get('apiregistration.k8s.io', 'apiservices').cache.list().map(c => c.object as APIService);
    const inProcess = new Map(this.inProcess.map(a => [`${a.version}.${a.group}`, a.resources()]));
    return aggregatedGroups(apiServices, this.discovered, local, inProcess);
  }

  /**
   * /openapi/v2: the cluster's own document with each available extension server's merged in,
   * in APIService priority order (kube-aggregator's v2 aggregation), from the documents downloaded
   * in the background; merged again only when a document changes.
   */
  openapiV2(): OpenApiV2Source {
    const apiServices = this.extensionAPIServices().sort((x, y) =>
      (y.spec?.groupPriorityMinimum ?? 0) - (x.spec?.groupPriorityMinimum ?? 0) || (y.spec?.versionPriority ?? 0) - (x.spec?.versionPriority ?? 0)
      || (x.metadata?.name ?? '').localeCompare(y.metadata?.name ?? ''));
    const specs = apiServices.flatMap((a): { etag: string; document(): JsonValue }[] => {
      const local = inProcessServerOf(a, this.inProcess)?.openapi;
      if (local) return [{ etag: `in-process ${a.metadata?.name}`, document: () => local.v2() as JsonValue }];
      const downloaded = this.openapiDownloads.v2Document(a);
      return downloaded ? [{ etag: downloaded.etag, document: () => downloaded.document }] : [];
    });
    const key = `${openapiGeneration()}|${specs.map(s => s.etag).join(',')}`;
    if (this.mergedV2?.key === key) return this.mergedV2;
    let body: Buffer | undefined;
    const json = (): Buffer => (body ??= specs.length
      ? Buffer.from(JSON.stringify(mergeSwaggerDocuments(JSON.parse(openapiV2().toString('utf8')) as SwaggerDocument, specs.map(s => s.document()))))
      : openapiV2());
    this.mergedV2 = { key, json };
    return this.mergedV2;
  }
}
