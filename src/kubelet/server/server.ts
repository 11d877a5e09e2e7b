// The kubelet's HTTPS server (upstream's port 10250): health, container logs, exec, attach,
// port-forward, the runtime's pods, a stats summary, resource metrics (what the metrics API
// reads) and cAdvisor's container metrics. Every request is authenticated (a certificate from the cluster CA or a bearer token) and
// authorized by the API server, as upstream's kubelet with webhook authentication and authorization
// (see auth.ts).
import type { Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { hostname } from 'node:os';
import { createCA, issueCertificate, type PemPair } from '../../pki/certificates.js';
import { plainResponse, UpgradedSockets } from '../../util/http-upgrade.js';
import { listenHttps } from '../../util/listen.js';
import type { RuntimeClient } from '../cri/client.js';
import { KubeletAuth, type ReviewClient } from './auth.js';
import { serveContainerLogs, type PodLookup } from './container-logs.js';
import { KubeletRequestError } from './pod-containers.js';
import { relayToRuntime, runtimeStreamUrl, type StreamKind } from './streaming.js';
import { podList, resourceMetrics, statsSummary, type PodCgroupPaths } from './stats.js';
import type { VolumeStatsSource } from '../volumes/volume-stats.js';
import { registerVolumeStatsMetrics } from './volume-metrics.js';
import { registerRuntimeMetrics } from './runtime-metrics.js';
import { componentRegistry, serveMetrics, type Registry } from '../../metrics/registry.js';
import { CpuRates } from './cpu-rates.js';
import { cadvisorMetrics, RuntimeDetailsCache, watchedCgroups } from './cadvisor-metrics.js';
import { errorMessage } from '../../util/error-message.js';

export interface KubeletServerOptions {
  port: number;
  bindAddress: string;
  /** Serving certificate; a self-signed one (own CA, like upstream's kubelet) is made when absent. */
  tls?: PemPair;
  /** Extra IPs and names for a generated serving certificate. */
  servingAddresses?: string[];
  /** PEM of the CA client certificates must chain to (the cluster CA). */
  clientCA: string;
  /** Where bearer tokens and access decisions are checked (the API server). */
  reviews: ReviewClient;
  runtime: RuntimeClient;
  nodeName: string;
  /** The kubelet's view of a pod, for upstream's messages about containers still waiting. */
  pod?: PodLookup;
  /** The pods' own cgroups, by pod uid: pod-level usage in the stats summary and cAdvisor metrics. */
  podCgroups?: PodCgroupPaths;
  /** The pods' cgroup and its QoS classes' cgroups, for their cAdvisor series; none when the kubelet makes none. */
  qosCgroups?: () => string[];
  /** Usage of the claims' volumes on this node, exported as kubelet_volume_stats_* on /metrics. */
  volumeStats?: VolumeStatsSource;
  /** The kubelet's registry, served on /metrics (the kubelet records its own series in it); a new one when absent. */
  metrics?: Registry;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

const STREAM_ROUTES: Record<string, { kind: StreamKind; parts: number }> = {
  exec: { kind: 'exec', parts: 3 },
  attach: { kind: 'attach', parts: 3 },
  portForward: { kind: 'portForward', parts: 2 },
};

export class KubeletServer {
  private server?: Server;
  private readonly metrics: Registry;
  /** Relayed exec/attach/port-forward connections, which the HTTP server no longer tracks. */
  private readonly upgraded = new UpgradedSockets();
  private readonly auth: KubeletAuth;
  /** Previous CPU readings, for usageNanoCores. */
  private readonly cpuRates = new CpuRates();
  private readonly runtimeDetails: RuntimeDetailsCache;

  constructor(private readonly opts: KubeletServerOptions) {
    this.auth = new KubeletAuth(opts.reviews, opts.nodeName);
    this.metrics = opts.metrics ?? componentRegistry();
    this.runtimeDetails = new RuntimeDetailsCache(opts.runtime);
    registerRuntimeMetrics(this.metrics, opts.runtime);
    if (opts.volumeStats) registerVolumeStatsMetrics(this.metrics, opts.volumeStats);
  }

  async start(): Promise<number> {
    const tls = this.opts.tls ?? await selfSignedServing(this.opts.nodeName, this.opts.servingAddresses ?? []);
    const { server, port } = await listenHttps({
      cert: tls.cert, key: tls.key, ca: this.opts.clientCA,
      // A certificate is asked for but not required: bearer-token clients have none.
      requestCert: true, rejectUnauthorized: false,
      requestTimeout: 0, headersTimeout: 60_000,
    }, this.opts.port, this.opts.bindAddress, (req, res) => void this.handle(req, res), (req, socket, head) => void this.handleUpgrade(req, socket, head));
    this.server = server;
    return port;
  }

  async stop(): Promise<void> {
    if (this.server) await this.upgraded.closeWith(this.server);
  }

  /** Serves new connections with a renewed certificate (connections already open keep theirs). */
  setServingCertificate(tls: PemPair): void {
    this.server?.setSecureContext({ cert: tls.cert, key: tls.key, ca: this.opts.clientCA });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.auth.check(req);
      const url = new URL(req.url ?? '/', 'https://kubelet');
      const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      const [root, ...rest] = parts;
      if (url.pathname === '/healthz') return text(res, 200, 'ok');
      if (root === 'containerLogs' && rest.length === 3 && req.method === 'GET') {
        const [namespace, pod, container] = rest;
        return await serveContainerLogs(res, this.opts.runtime, namespace, pod, container, url.searchParams, this.opts.pod);
      }
      if (root && STREAM_ROUTES[root]) throw new KubeletRequestError(400, 'Upgrade request required');
      if (url.pathname === '/pods' && req.method === 'GET') return json(res, await podList(this.opts.runtime));
      if (url.pathname === '/stats/summary' && req.method === 'GET') return json(res, await statsSummary(this.opts.runtime, this.opts.nodeName, this.cpuRates, this.opts.podCgroups));
      if (url.pathname === '/metrics/resource' && req.method === 'GET') {
        return prometheus(res, await resourceMetrics(await statsSummary(this.opts.runtime, this.opts.nodeName, this.cpuRates, this.opts.podCgroups)));
      }
      if (url.pathname === '/metrics/cadvisor' && req.method === 'GET') {
        const { cgroups, failed } = await watchedCgroups(this.opts.runtime, this.runtimeDetails, this.opts.podCgroups?.(), this.opts.qosCgroups?.());
        return prometheus(res, await cadvisorMetrics(cgroups, failed, Date.now()));
      }
      if (url.pathname === '/metrics' && req.method === 'GET') return await serveMetrics(res, this.metrics);
      throw new KubeletRequestError(404, '404 page not found');
    } catch (err) {
      this.fail(res, err, req);
    }
  }

  private async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const [root, ...rest] = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const route = root ? STREAM_ROUTES[root] : undefined;
    if (!route) {
      if (head.length) socket.unshift(head);
      return this.handle(req, plainResponse(req, socket));
    }
    this.upgraded.track(socket);
    try {
      await this.auth.check(req);
      if (rest.length !== route.parts) throw new KubeletRequestError(404, '404 page not found');
      const target = await runtimeStreamUrl(this.opts.runtime, route.kind, rest, url.searchParams);
      await relayToRuntime(req, socket, head, target, url.search.slice(1));
    } catch (err) {
      this.fail(plainResponse(req, socket), err, req);
    }
  }

  private fail(res: ServerResponse, err: unknown, req: IncomingMessage): void {
    const code = err instanceof KubeletRequestError ? err.code : criHttpCode(err);
    const message = errorMessage(err);
    if (code >= 500) this.opts.log?.('kubelet server request failed', { method: req.method, url: req.url, error: message });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    text(res, code, message);
  }
}

/** CRI NotFound (the container or sandbox vanished) is a 404; anything else from the runtime a 500. */
function criHttpCode(err: unknown): number {
  return (err as { code?: unknown })?.code === 5 ? 404 : 500;
}

function text(res: ServerResponse, code: number, body: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function prometheus(res: ServerResponse, body: string): void {
  res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function json(res: ServerResponse, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) });
  res.end(payload);
}

/** Like upstream's kubelet without --tls-cert-file: a serving certificate signed by its own CA. */
async function selfSignedServing(nodeName: string, addresses: string[]): Promise<PemPair> {
  const host = nodeName || hostname();
  const ca = await createCA(`${host}-ca@${Math.floor(Date.now() / 1000)}`, 365);
  const ips = addresses.filter(a => /^[\d.]+$/.test(a) || a.includes(':'));
  const names = addresses.filter(a => !ips.includes(a));
  return issueCertificate(ca, { commonName: `${host}@${Math.floor(Date.now() / 1000)}`, usage: 'server', dnsNames: [host, ...names], ipAddresses: ['127.0.0.1', ...ips] });
}
