// The API server: HTTPS, the request pipeline (authenticate → authorize → handler → admission →
// store) and the registry of all resources, over one revisioned store.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ForbiddenError } from '../api/errors.js';
import { ResourceCatalog } from '../api/catalog.js';
import type { Store } from '../storage/types.js';
import { MetricsRegistry } from '../metrics/registry.js';
import { AdmissionChain, type AdmissionPlugin } from './admission/types.js';
import { Authenticator, type TokenEntry } from './auth/authenticator.js';
import { allowAllAuthorizer, type Authorizer } from './auth/authorizer.js';
import type { RequestContext } from './context.js';
import { CACERTS_PATH, serveCaCerts, type JoinCA } from './handlers/cacerts.js';
import { handleNonResource, isPublicPath } from './handlers/non-resource.js';
import { fieldValidation, isDryRun } from './handlers/query.js';
import { handleResource } from './handlers/resource.js';
import { handleReview, isReviewRequest } from './handlers/reviews.js';
import { sendError, toStatusError } from './http/respond.js';
import { Registry, type StrategyFactory } from './registry/registry.js';
import { parseRequestInfo } from './request-info.js';

export interface ApiServerOptions {
  store: Store;
  tls: { cert: string; key: string; ca: string };
  tokens: TokenEntry[];
  strategies: StrategyFactory;
  admission: (registry: () => Registry) => AdmissionPlugin[];
  authorizer?: Authorizer;
  /** Serves `/cacerts` to joining agents when set. */
  joinCA?: JoinCA;
  bindAddress: string;
  port: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export class ApiServer {
  readonly registry: Registry;
  readonly metrics = new MetricsRegistry().withProcessMetrics();
  private readonly requests = this.metrics.counter('apiserver_request_total', 'Counter of apiserver requests broken out for each verb, group, version, resource and HTTP response code.');
  private readonly latency = this.metrics.histogram('apiserver_request_duration_seconds', 'Response latency distribution in seconds for each verb, group, version and resource.');
  private readonly inflight = this.metrics.gauge('apiserver_current_inflight_requests', 'Number of requests currently being served.');
  private readonly authn: Authenticator;
  private readonly authz: Authorizer;
  private server?: Server;
  private inflightCount = 0;
  private ready = false;

  constructor(private readonly opts: ApiServerOptions) {
    const admission = new AdmissionChain(opts.admission(() => this.registry));
    this.registry = new Registry(ResourceCatalog.shared(), opts.store, admission, opts.strategies);
    this.authn = new Authenticator(opts.tokens);
    this.authz = opts.authorizer ?? allowAllAuthorizer;
    this.inflight.set(() => this.inflightCount);
  }

  /** Loads every watch cache, then listens. Resolves with the bound port. */
  async start(): Promise<number> {
    await this.registry.start();
    this.ready = true;
    const server = createServer({
      cert: this.opts.tls.cert, key: this.opts.tls.key, ca: this.opts.tls.ca,
      requestCert: true, rejectUnauthorized: false,
      // kubectl keeps long-lived watches; never time them out at the socket level.
      requestTimeout: 0, headersTimeout: 60_000, keepAliveTimeout: 65_000,
    }, (req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.bindAddress, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.ready = false;
    this.registry.stop();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>(resolve => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    this.inflightCount++;
    const url = new URL(req.url ?? '/', 'https://k8ts');
    const ri = parseRequestInfo(req.method ?? 'GET', url.pathname, url.searchParams);
    const labels = ri.isResourceRequest
      ? { verb: ri.verb.toUpperCase(), group: ri.group, version: ri.version, resource: ri.resource, subresource: ri.subresource }
      : { verb: (req.method ?? 'GET').toUpperCase(), group: '', version: '', resource: '', subresource: '' };
    res.on('finish', () => {
      this.inflightCount--;
      this.requests.inc({ ...labels, code: String(res.statusCode) });
      // Watches are long by design; their duration says nothing about latency.
      if (!(ri.isResourceRequest && ri.verb === 'watch')) this.latency.observe(Number(process.hrtime.bigint() - started) / 1e9, labels);
    });
    try {
      // Joining agents do not trust our certificate yet, so they cannot authenticate either.
      if (url.pathname === CACERTS_PATH && this.opts.joinCA && req.method === 'GET') return serveCaCerts(res, url.searchParams, this.opts.joinCA);
      const publicPath = !ri.isResourceRequest && isPublicPath(url.pathname);
      const user = publicPath && !req.headers.authorization && !(req.socket as { authorized?: boolean }).authorized
        ? { username: 'system:anonymous', groups: ['system:unauthenticated'] }
        : this.authn.authenticate(req);
      const decision = await this.authz.authorize(user, ri);
      if (!decision.allowed) throw new ForbiddenError(decision.reason);
      const q = url.searchParams;
      if (!ri.isResourceRequest) {
        return handleNonResource(req, res, url.pathname, `${req.socket.localAddress}:${req.socket.localPort}`, { ready: () => this.ready }, () => this.metrics.render());
      }
      const ctx: RequestContext = {
        user,
        userAgent: String(req.headers['user-agent'] ?? ''),
        dryRun: isDryRun(q),
        fieldManager: q.get('fieldManager') ?? undefined,
        fieldValidation: fieldValidation(q),
        warnings: [],
      };
      if (isReviewRequest(ri)) return await handleReview(req, res, ri, ctx, this.authz);
      await handleResource(req, res, ri, q, ctx, this.registry);
    } catch (err) {
      const se = toStatusError(err);
      if (se.code >= 500) this.opts.log?.('request failed', { method: req.method, url: req.url, error: err instanceof Error ? err.stack : String(err) });
      sendError(res, se);
    }
  }
}
