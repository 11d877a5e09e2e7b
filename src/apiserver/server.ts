// The API server: HTTPS, the request pipeline (authenticate → authorize → handler → admission →
// store) and the registry of all resources, over one revisioned store.
import { joinHostPort } from '../util/host-port.js';
import type { Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ServiceUnavailableError } from '../api/errors.js';
import { ResourceCatalog } from '../api/catalog.js';
import type { Store } from '../storage/types.js';
import type { EncryptionConfig } from './encryption/config.js';
import { requestAuditId, type Auditor, type RequestAudit } from './audit/auditor.js';
import { encryptedStore } from './encryption/encrypted-store.js';
import { componentRegistry } from '../metrics/registry.js';
import { RequestMetrics } from './request-metrics.js';
import { StorageMetrics } from '../storage/storage-metrics.js';
import { AdmissionChain, type AdmissionPlugin } from './admission/types.js';
import { Authenticator, type TokenEntry } from './auth/authenticator.js';
import { BootstrapTokenAuthenticator } from './auth/bootstrap-tokens.js';
import { allowAllAuthorizer, type Authorizer } from './auth/authorizer.js';
import { requestAttributes } from './auth/attributes.js';
import { forbiddenError } from './auth/forbidden.js';
import { impersonate } from './auth/impersonation.js';
import { registryClaimObjects, ServiceAccountTokens } from './auth/serviceaccount/tokens.js';
import type { RequestContext, UserInfo } from './context.js';
import { CACERTS_PATH } from '../pki/ca-proof.js';
import { SERVER_BOOTSTRAP_PATH, serveServerBootstrap, type ServerBootstrapSource } from './handlers/server-bootstrap.js';
import { serveCaCerts, type JoinCA } from './handlers/cacerts.js';
import { isIssuerDiscoveryPath, serveIssuerDiscovery } from './handlers/issuer-discovery.js';
import { handleNonResource, resourceNotFound, serveOpenApiV2 } from './handlers/non-resource.js';
import { DASHBOARD_PATH, DashboardAssets } from './handlers/dashboard-assets.js';
import { openapiV3Index } from '../api/openapi-docs.js';
import { handleLogsRequest, LOGS_PATH_PREFIX } from './handlers/logs.js';
import type { LogStore } from '../storage/logs/log-store.js';
import { fieldValidation, isDryRun } from './handlers/query.js';
import { handleResource } from './handlers/resource.js';
import { historyTarget, serveHistory } from './handlers/history.js';
import { serveWhy, whyTarget } from './handlers/why.js';
import type { HistoryStore } from './history/history-store.js';
import { historyRecorder } from './history/recorder.js';
import { handleReview, isReviewRequest } from './handlers/reviews.js';
import { handleTokenRequest, isTokenRequest } from './handlers/token-request.js';
import { DEFAULT_REQUEST_LIMITS, RequestLimits, type RequestLimitOptions } from './http/limits.js';
import { sendError, sendJson, toStatusError } from './http/respond.js';
import { Registry, type StrategyFactory } from './registry/registry.js';
import { CustomResourceDefinitionController } from './apiextensions/crd-controller.js';
import { CustomResourceServing } from './apiextensions/custom-resource-serving.js';
import { parseRequestInfo, type RequestInfo } from './request-info.js';
import { isKubeletSubresource, registrySource, serveKubeletRequest, serveKubeletUpgrade } from './kubelet/handler.js';
import { KubeletProxy } from './kubelet/proxy.js';
import { nodeEndpoint } from './kubelet/location.js';
import { ResourceMetricsAPI } from './metrics-api/metrics-api.js';
import type { PemPair } from '../pki/certificates.js';
import type { APIService } from '../api/types/generated.js';
import { plainResponse, UpgradedSockets } from '../util/http-upgrade.js';
import { RequestHeaderAuthenticator, type RequestHeaderConfig } from '../api/request-header.js';
import { Aggregator } from './aggregator/aggregator.js';
import { registryServiceResolver } from './admission/webhook/sources.js';
import { listenHttps } from '../util/listen.js';

export interface ApiServerOptions {
  store: Store;
  tls: { cert: string; key: string; ca: string };
  /** Static bearer tokens (--token-auth-file). */
  tokens: TokenEntry[];
  /** Requests without credentials are system:anonymous (--anonymous-auth); default true, as upstream. */
  anonymousAuth?: boolean;
  strategies: StrategyFactory;
  /** The admission plugins; those that ask "may this user ..." (approve, sign) get the authorizer. */
  admission: (registry: () => Registry, authorizer: Authorizer) => AdmissionPlugin[];
  /** The authorizer (--authorization-mode), built over the registry's caches; default: allow all. */
  authorizer?: (registry: Registry) => Authorizer;
  /** Serves `/cacerts` to joining agents when set. */
  joinCA?: JoinCA;
  /** Serves the server bootstrap data to joining servers when set. */
  serverBootstrap?: ServerBootstrapSource;
  bindAddress: string;
  port: number;
  /** PEM private key signing service-account tokens; without it there is no TokenRequest API. */
  serviceAccountKey?: string;
  /** Client certificate for kubelets (logs, exec, attach, port-forward, node proxy). */
  kubeletClient?: PemPair;
  /** The cluster's container log store, served under /logs/v1/ (ingest from nodes, search). */
  logStore?: LogStore;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** --encryption-provider-config: how values are encrypted at rest. */
  encryption?: EncryptionConfig;
  /** --audit-policy-file and --audit-log-path: where requests are audited. */
  audit?: Auditor;
  /** In-flight limits and the request timeout (upstream's defaults when absent). */
  limits?: RequestLimitOptions;
  /** Front proxies that may name the user in X-Remote-* headers (--requestheader-*). */
  requestHeader?: RequestHeaderConfig;
  /** API aggregation: the client certificate presented to extension API servers (--proxy-client-cert-file). */
  proxyClient?: PemPair;
  /** --history-retention: every write is recorded here (absent: no history). */
  history?: HistoryStore;
  /**
   * Serve the resource metrics API (metrics.k8s.io) in-process, scraping kubelets this often
   * (--metric-resolution); absent, or without kubelet client and proxy credentials, it is not served.
   */
  metricResolutionMs?: number;
}

/** Upstream's ReadHeaderTimeout: a client that trickles its headers (slow loris) is dropped. */
const READ_HEADER_TIMEOUT_MS = 32_000;

export class ApiServer {
  readonly registry: Registry;
  private readonly customResources: CustomResourceServing;
  private readonly crdController: CustomResourceDefinitionController;
  readonly metrics = componentRegistry();
  private readonly requestMetrics: RequestMetrics;
  private readonly authn: Authenticator;
  private readonly authz: Authorizer;
  private readonly bootstrapTokens: BootstrapTokenAuthenticator;
  private readonly serviceAccountTokens?: ServiceAccountTokens;
  private readonly kubelets?: KubeletProxy;
  private readonly dashboard = new DashboardAssets();
  private readonly aggregator?: Aggregator;
  private readonly metricsAPI?: ResourceMetricsAPI;
  /** Upgraded connections (exec, attach, port-forward): the HTTP server no longer tracks them. */
  private readonly upgraded = new UpgradedSockets();
  private readonly limits: RequestLimits;
  private server?: Server;
  private ready = false;

  constructor(private readonly opts: ApiServerOptions) {
    // Admission plugins ask the authorizer, which is built over the registry they are part of.
    const authorizer: Authorizer = { authorize: (user, attrs) => this.authz.authorize(user, attrs) };
    const admission = new AdmissionChain(opts.admission(() => this.registry, authorizer));
    const catalog = ResourceCatalog.shared();
    const store = opts.encryption ? encryptedStore(opts.store, opts.encryption, catalog) : opts.store;
    this.registry = new Registry(catalog, store, admission, opts.strategies, new StorageMetrics(this.metrics, () => store.dbSize()));
    this.customResources = new CustomResourceServing(this.registry, catalog, opts.log);
    this.crdController = new CustomResourceDefinitionController(this.registry, () => this.customResources.sync(), opts.log);
    if (opts.serviceAccountKey) this.serviceAccountTokens = new ServiceAccountTokens(opts.serviceAccountKey, registryClaimObjects(() => this.registry));
    this.authz = opts.authorizer?.(this.registry) ?? allowAllAuthorizer;
    const secrets = (namespace: string, name: string) => this.registry.get('', 'secrets').getCached(namespace, name)?.object;
    this.bootstrapTokens = new BootstrapTokenAuthenticator(secrets);
    this.authn = new Authenticator({
      tokens: opts.tokens, serviceAccounts: this.serviceAccountTokens, bootstrapTokens: this.bootstrapTokens, anonymous: opts.anonymousAuth ?? true,
      requestHeader: opts.requestHeader && new RequestHeaderAuthenticator(opts.requestHeader),
    });
    if (opts.kubeletClient) this.kubelets = new KubeletProxy(opts.kubeletClient);
    const kubelets = this.kubelets;
    if (kubelets && opts.proxyClient && opts.metricResolutionMs) {
      this.metricsAPI = new ResourceMetricsAPI(this.registry, {
        resolutionMs: opts.metricResolutionMs, log: opts.log,
        read: (node, timeoutMs) => kubelets.read({ ...nodeEndpoint(node), path: '/metrics/resource' }, timeoutMs),
      });
    }
    if (opts.proxyClient) {
      this.aggregator = new Aggregator(this.registry, {
        proxyClient: opts.proxyClient, resolve: registryServiceResolver(() => this.registry), log: opts.log, inProcess: this.metricsAPI ? [this.metricsAPI] : [],
        historyServed: opts.history !== undefined,
      });
    }
    this.requestMetrics = new RequestMetrics(this.metrics, () => this.registry.objectCounts());
    this.limits = new RequestLimits(opts.limits ?? DEFAULT_REQUEST_LIMITS);
    if (opts.history) this.registry.observeWrites(historyRecorder(opts.history));
  }

  /** Loads every watch cache, then listens. Resolves with the bound port. */
  async start(): Promise<number> {
    await this.registry.start();
    // Custom resources are served before the server listens, so no client sees them missing.
    await this.customResources.start();
    this.crdController.start();
    await this.aggregator?.start();
    this.metricsAPI?.start();
    this.ready = true;
    const { requestTimeoutMs } = this.opts.limits ?? DEFAULT_REQUEST_LIMITS;
    // exec, attach, port-forward (and upgrades through nodes/proxy) arrive as HTTP upgrades.
    const { server, port } = await listenHttps({
      // Client certificates of the cluster CA and of front proxies (the authenticator tells them apart).
      cert: this.opts.tls.cert, key: this.opts.tls.key, ca: this.opts.requestHeader ? [this.opts.tls.ca, this.opts.requestHeader.caPem] : this.opts.tls.ca,
      requestCert: true, rejectUnauthorized: false,
      // requestTimeout bounds receiving a request (headers and body), not answering it: watches
      // stay open. Together they drop clients that trickle their request.
      requestTimeout: requestTimeoutMs, headersTimeout: Math.min(READ_HEADER_TIMEOUT_MS, requestTimeoutMs), keepAliveTimeout: 65_000,
      connectionsCheckingInterval: Math.min(30_000, Math.max(1000, requestTimeoutMs / 4)),
    }, this.opts.port, this.opts.bindAddress, (req, res) => void this.handle(req, res), (req, socket, head) => void this.handleUpgrade(req, socket, head));
    this.server = server;
    return port;
  }

  /** The container log store this server serves, if any. */
  get logStore(): LogStore | undefined {
    return this.opts.logStore;
  }

  async stop(): Promise<void> {
    this.ready = false;
    this.metricsAPI?.stop();
    this.aggregator?.stop();
    this.crdController.stop();
    this.customResources.stop();
    this.registry.stop();
    if (this.server) await this.upgraded.closeWith(this.server);
    this.opts.logStore?.close();
    this.opts.audit?.close();
    this.opts.history?.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://k8ts');
    const ri = parseRequestInfo(req.method ?? 'GET', url.pathname, url.searchParams);
    this.requestMetrics.track(req, res, ri, url.searchParams);
    const auditID = requestAuditId(req);
    res.setHeader('Audit-Id', auditID);
    const audit = this.opts.audit?.begin(req, res, auditID);
    let ctx: RequestContext | undefined;
    try {
      // Joining agents do not trust our certificate yet, so they cannot authenticate either.
      if (url.pathname === SERVER_BOOTSTRAP_PATH && this.opts.serverBootstrap && req.method === 'GET') return await serveServerBootstrap(req, res, this.opts.serverBootstrap);
      if (url.pathname === CACERTS_PATH && this.opts.joinCA && req.method === 'GET') return serveCaCerts(res, url.searchParams, this.opts.joinCA, id => this.bootstrapTokens.tokenFor(id));
      // The dashboard's page and bundle are public; every API call it makes carries the user's credentials.
      if (url.pathname === '/dashboard' || url.pathname.startsWith(DASHBOARD_PATH)) return this.dashboard.serve(req, res, url.pathname);
      const historyOf = this.opts.history && historyTarget(req.method ?? 'GET', url.pathname, url.searchParams);
      if (historyOf) {
        await this.admit(req, historyOf, audit);
        return serveHistory(res, historyOf, url.searchParams, this.opts.history!);
      }
      const whyOf = whyTarget(req.method ?? 'GET', url.pathname, url.searchParams);
      if (whyOf) {
        // A read like any get: counted against --max-requests-inflight and bounded by the request timeout.
        this.limits.admit(whyOf, await this.admit(req, whyOf, audit), url, res);
        return await serveWhy(res, whyOf, this.registry);
      }
      const user = await this.admit(req, ri, audit);
      this.limits.admit(ri, user, url, res);
      const q = url.searchParams;
      const apiService = this.aggregator?.route(url.pathname);
      if (apiService) return await this.aggregator!.proxy.serve(req, res, url, apiService, user);
      const inProcess = this.aggregator?.inProcessRoute(url.pathname);
      if (inProcess) return await inProcess.serve(req, res, url, ri);
      if (!ri.isResourceRequest) {
        const serverAddress = joinHostPort(req.socket.localAddress ?? '', req.socket.localPort ?? 0);
        if (this.serviceAccountTokens && isIssuerDiscoveryPath(url.pathname)) {
          return serveIssuerDiscovery(res, url.pathname, serverAddress, this.serviceAccountTokens);
        }
        if (this.opts.logStore && url.pathname.startsWith(LOGS_PATH_PREFIX)) return await handleLogsRequest(req, res, url, user, this.authz, this.opts.logStore);
        if (this.aggregator && url.pathname.startsWith('/openapi/v3') && await this.serveAggregatedOpenAPI(res, url)) return;
        if (this.aggregator && url.pathname === '/openapi/v2') return serveOpenApiV2(req, res, this.aggregator.openapiV2());
        return handleNonResource(req, res, url.pathname, serverAddress, { ready: () => this.ready }, this.metrics, () => this.aggregator?.groups() ?? []);
      }
      ctx = {
        user,
        userAgent: String(req.headers['user-agent'] ?? ''),
        dryRun: isDryRun(q),
        fieldManager: q.get('fieldManager') ?? undefined,
        fieldValidation: fieldValidation(q),
        warnings: [],
        authorizer: this.authz,
      };
      audit?.context(ctx);
      if (isReviewRequest(ri)) return await handleReview(req, res, ri, ctx, this.authn, this.authz);
      if (isTokenRequest(ri)) {
        if (!this.serviceAccountTokens) throw new ServiceUnavailableError('the API server has no service-account signing key');
        return await handleTokenRequest(req, res, ri, ctx, this.registry, this.serviceAccountTokens);
      }
      if (isKubeletSubresource(ri)) return await serveKubeletRequest(req, res, ri, url, registrySource(this.registry), this.kubeletProxy());
      await handleResource(req, res, ri, q, ctx, this.registry, (group, version, kind) => this.requestMetrics.watchEventsOf(group, version, kind));
    } catch (err) {
      const se = toStatusError(err);
      if (se.code >= 500) this.opts.log?.('request failed', { method: req.method, url: req.url, error: err instanceof Error ? err.stack : String(err) });
      if (se.code === 401) audit?.authenticationFailed(ri);
      if (isPanic(err)) audit?.panicked(err);
      sendError(res, se, 'json', ctx?.warnings);
    }
  }

  /** Authentication, impersonation and authorization, the same for plain and upgrade requests. */
  private async admit(req: IncomingMessage, ri: RequestInfo, audit?: RequestAudit): Promise<UserInfo> {
    // Anonymous requests are authorized like any other (upstream's RBAC lets them read only
    // health, version and discovery through system:public-info-viewer and system:discovery).
    const authenticated = this.authn.authenticate(req);
    audit?.authenticated(authenticated, ri);
    const user = await impersonate(req, authenticated, this.authz);
    const attrs = requestAttributes(ri, req.method ?? 'GET');
    const decision = await this.authz.authorize(user, attrs);
    audit?.authorized(decision);
    if (!decision.allowed) throw forbiddenError(user, attrs, decision.reason);
    return user;
  }

  private kubeletProxy(): KubeletProxy {
    if (!this.kubelets) throw new ServiceUnavailableError('the API server has no kubelet client credentials');
    return this.kubelets;
  }

  /**
   * Upgrade requests for kubelet-backed subresources are relayed to the kubelet; any other request
   * that happens to ask for an upgrade is served as a plain request (HTTP lets a server ignore Upgrade).
   */
  private async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://k8ts');
    const ri = parseRequestInfo(req.method ?? 'GET', url.pathname, url.searchParams);
    const apiService = this.aggregator?.route(url.pathname);
    if (apiService) return this.proxyUpgrade(req, socket, head, url, ri, apiService);
    if (!ri.isResourceRequest || !isKubeletSubresource(ri) || ri.subresource === 'log') {
      if (head.length) socket.unshift(head);
      return this.handle(req, plainResponse(req, socket));
    }
    this.upgraded.track(socket);
    const audit = this.opts.audit?.beginUpgrade(req, socket, requestAuditId(req));
    try {
      await this.admit(req, ri, audit);
      await serveKubeletUpgrade(req, socket, head, ri, url, registrySource(this.registry), this.kubeletProxy());
      audit?.upgraded();
    } catch (err) {
      const se = toStatusError(err);
      if (se.code === 401) audit?.authenticationFailed(ri);
      audit?.upgradeFailed(se.toStatus());
      if (se.code >= 500) this.opts.log?.('upgrade request failed', { method: req.method, url: req.url, error: err instanceof Error ? err.message : String(err) });
      sendError(plainResponse(req, socket), se);
    }
  }

  /** The /openapi/v3 index with the extension servers' entries, and their documents; false for any other path. */
  private async serveAggregatedOpenAPI(res: ServerResponse, url: URL): Promise<boolean> {
    const aggregator = this.aggregator!;
    if (url.pathname === '/openapi/v3' || url.pathname === '/openapi/v3/') {
      const paths = { ...openapiV3Index().paths, ...aggregator.openapiIndex() };
      sendJson(res, 200, { paths: Object.fromEntries(Object.keys(paths).sort().map(k => [k, paths[k]])) });
      return true;
    }
    const apiService = aggregator.openapiRoute(url.pathname);
    if (!apiService) return false;
    const doc = await aggregator.openapi.document(apiService, url.search);
    if (!doc) throw resourceNotFound();
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(doc);
    return true;
  }

  /** An upgrade for an extension API server's group-version: authenticated and authorized here, spliced there. */
  private async proxyUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL, ri: RequestInfo, apiService: APIService): Promise<void> {
    this.upgraded.track(socket);
    const audit = this.opts.audit?.beginUpgrade(req, socket, requestAuditId(req));
    try {
      const user = await this.admit(req, ri, audit);
      await this.aggregator!.proxy.upgrade(req, socket, head, url, apiService, user);
      audit?.upgraded();
    } catch (err) {
      const se = toStatusError(err);
      if (se.code === 401) audit?.authenticationFailed(ri);
      audit?.upgradeFailed(se.toStatus());
      sendError(plainResponse(req, socket), se);
    }
  }
}

/** A failure of the code rather than of the request: audited as upstream audits a panic. */
function isPanic(err: unknown): boolean {
  return err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError || err instanceof SyntaxError;
}
