// A small typed REST client for the Kubernetes API: JSON requests over a keep-alive HTTPS agent,
// Status errors turned back into typed StatusErrors, and streaming watches.
// Given several servers of one cluster (ClientConfig.failoverServers) it is its own client-side load
// balancer, as k3s's agent has in a local proxy: requests go to one server; when a connection to it
// cannot be made within CONNECT_TIMEOUT_MS, or a request gets no answer within RESPONSE_TIMEOUT_MS,
// the client moves to the next server and drops every connection to the old one — its watches end,
// and informers resume them from their last resourceVersion on the new server. A watch alone notices
// nothing when its server's machine dies (no FIN or RST comes back), so a watch that heard nothing for
// WATCH_IDLE_MS has its server probed, as client-go pings an idle HTTP/2 connection; a server that
// does not answer the probe within PROBE_TIMEOUT_MS is left the same way. A request unanswered for
// STALL_PROBE_MS has its server probed too, on a new connection (a pooled socket to a machine whose
// link was cut would hang as the request does): a dead server is left after about
// STALL_PROBE_MS + CONNECT_TIMEOUT_MS, not RESPONSE_TIMEOUT_MS. Clients sharing a ServerList
// (every client of one process) leave a server together, as k3s's one load balancer per process
// does, and onFailover tells their users (the node lease renews at once). A request that never
// reached the server (no connection) is retried on the next at once; one that may have been applied
// is retried only when it is a read. Kept inside the client rather than a TCP proxy: no extra
// listener, and the client knows which requests are safe to send twice.
// Every controller, the scheduler and the kubelets send all their traffic through it, so the
// per-request path avoids work that does not change between requests: the server URL is parsed
// once, and the agent pools sockets under a constant name (see OriginAgent).
import { Agent, request, type RequestOptions as HttpsRequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { StatusError, type Status } from '../api/errors.js';
import type { KubeList, KubeObject, WatchEvent } from '../api/object.js';
import type { ClientConfig } from './kubeconfig.js';

const MAX_THROTTLED_ATTEMPTS = 10;
/** With several servers: how long a connection may take before the server counts as down. */
export const CONNECT_TIMEOUT_MS = 3_000;
/** With several servers: how long a request may wait for its response headers (a watch's come at once). */
export const RESPONSE_TIMEOUT_MS = 10_000;
/** With several servers: how long a watch may hear nothing before its server is probed. */
export const WATCH_IDLE_MS = 5_000;
/** How long that probe (a GET /livez) may take before the server counts as down. */
export const PROBE_TIMEOUT_MS = 5_000;
/** With several servers: how long a request may wait for its response headers before its server is probed. */
export const STALL_PROBE_MS = 2_000;

/** The server did not take a connection or did not answer in time (only with several servers). */
export class ServerUnreachableError extends Error {
  constructor(readonly server: string, message: string, readonly sent: boolean) {
    super(`${server}: ${message}`);
  }
}

// Errors of a connection that never carried the request: another server may take it.
const NOT_SENT = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENOTFOUND', 'EAI_AGAIN']);

export interface RequestOptions {
  method?: string;
  body?: unknown;
  contentType?: string;
  query?: Record<string, string | number | boolean | undefined>;
  accept?: string;
}

export interface WatchHandle {
  /** Resolves when the stream ends (server timeout, error or stop()). */
  done: Promise<void>;
  stop(): void;
}

/**
 * A keep-alive agent for the one API server of a client. Node's agent names its socket pools after
 * every TLS option, the CA, certificate and key PEMs included (~5 KB), and rebuilds and hashes that
 * name on each request and each socket release; all requests of a client share one origin and one
 * TLS identity, so a constant name pools exactly the same sockets.
 */
class OriginAgent extends Agent {
  override getName(): string {
    return 'apiserver';
  }
}

function agentsFor(config: ClientConfig): [Agent, Agent] {
  const tls = { ca: config.ca, cert: config.cert, key: config.key, rejectUnauthorized: !config.insecureSkipTLSVerify };
  return [new OriginAgent({ keepAlive: true, maxSockets: 64, ...tls }), new OriginAgent({ keepAlive: false, ...tls })];
}

// A path made only of these characters, without "." or ".." segments, is what URL parsing would
// return unchanged: it is used as is. Anything else goes through URL parsing as before.
const PLAIN_PATH = /^\/[\w\-.~!$&'()*+,;=:@%/]*$/;
const DOT_SEGMENT = /\/\.\.?(?:\/|$)/;

/** One server of the client: its URL's request fields and its own connection pools. */
interface Origin {
  url: string;
  fields: Pick<HttpsRequestOptions, 'protocol' | 'hostname' | 'port' | 'auth'>;
  /** What the server URL contributes before a request path (a proxy's prefix, usually nothing). */
  pathPrefix: string;
  agent: Agent;
  // Watches hold their connection for minutes; pooled with requests they would use up the pool's
  // sockets and leave ordinary requests waiting forever, so they get an unlimited agent of their own.
  watchAgent: Agent;
  /** The probe of an idle watch's server under way, shared by its watches. */
  probing?: Promise<void>;
}

function originOf(url: string, config: ClientConfig): Origin {
  const server = new URL(url);
  // The host fields http.request would take from the URL on every call (urlToHttpOptions).
  const fields: Origin['fields'] = { protocol: server.protocol, hostname: server.hostname.startsWith('[') ? server.hostname.slice(1, -1) : server.hostname };
  if (server.port) fields.port = Number(server.port);
  if (server.username || server.password) fields.auth = `${decodeURIComponent(server.username)}:${decodeURIComponent(server.password)}`;
  const [agent, watchAgent] = agentsFor(config);
  return { url, fields, pathPrefix: new URL(url + '/x').pathname.slice(0, -2), agent, watchAgent };
}

export class RestClient {
  private origins: Origin[];
  private active = 0;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly failoverListeners = new Set<(from: string, to: string) => void>();

  constructor(public config: ClientConfig, readonly userAgent = 'k8ts') {
    this.origins = [config.server, ...(config.failoverServers ?? [])].map(url => originOf(url, config));
    if (config.serverList) {
      this.useServers(config.serverList.current);
      this.unsubscribe.push(
        config.serverList.subscribe(urls => this.useServers(urls)),
        config.serverList.onServerDown(url => {
          const origin = this.origins[this.active];
          if (origin.url === url && this.origins.length > 1) this.leave(origin);
        }),
      );
    }
  }

  /**
   * Adds the servers of `urls` not known yet (after the configured ones) and drops learned ones no
   * longer listed; the active server stays active while it is listed.
   */
  private useServers(urls: string[]): void {
    const configured = [this.config.server, ...(this.config.failoverServers ?? [])];
    const wanted = [...new Set([...configured, ...urls])];
    const byUrl = new Map(this.origins.map(o => [o.url, o]));
    const active = this.origins[this.active];
    for (const o of this.origins) {
      if (!wanted.includes(o.url)) {
        o.agent.destroy();
        o.watchAgent.destroy();
      }
    }
    this.origins = wanted.map(url => byUrl.get(url) ?? originOf(url, this.config));
    this.active = Math.max(0, this.origins.indexOf(active));
  }

  /** The server requests go to now. */
  get server(): string {
    return this.origins[this.active].url;
  }

  /**
   * Calls `listener` each time this client leaves a server for another (`to` is where requests go
   * now); returns what unsubscribes it.
   */
  onFailover(listener: (from: string, to: string) => void): () => void {
    this.failoverListeners.add(listener);
    return () => this.failoverListeners.delete(listener);
  }

  close(): void {
    for (const u of this.unsubscribe) u();
    for (const o of this.origins) {
      o.agent.destroy();
      o.watchAgent.destroy();
    }
  }

  /**
   * Switches to a renewed client certificate: new requests and watches present it, and every
   * connection made with the old one is closed (as upstream's kubelet does on rotation), so
   * long-running watches reconnect under the new certificate too.
   */
  rotateCertificate(pair: { cert: string; key: string }): void {
    this.config = { ...this.config, cert: pair.cert, key: pair.key };
    for (const o of this.origins) this.renewAgents(o, true);
  }

  async request<T = unknown>(path: string, opts: RequestOptions = {}): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const res = await this.send(path, opts);
      const text = await readAll(res);
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) return (text ? JSON.parse(text) : undefined) as T;
      // A server at its in-flight limit says when to come back; client-go waits and retries (up to 10 times).
      const retryAfter = Number(res.headers['retry-after']);
      if (status === 429 && attempt < MAX_THROTTLED_ATTEMPTS && Number.isFinite(retryAfter) && retryAfter > 0) {
        await new Promise(resolve => setTimeout(resolve, Math.min(retryAfter, 10) * 1000));
        continue;
      }
      throw toError(status, text);
    }
  }

  /** The response body as text, as `kubectl get --raw` prints it (e.g. /metrics, which is not JSON). */
  async text(path: string): Promise<string> {
    const res = await this.send(path, { accept: '*/*' });
    const text = await readAll(res);
    if ((res.statusCode ?? 0) >= 300) throw toError(res.statusCode ?? 0, text);
    return text;
  }

  get<T = KubeObject>(path: string, query?: RequestOptions['query']): Promise<T> {
    return this.request<T>(path, { query });
  }

  list<T = KubeObject>(path: string, query?: RequestOptions['query']): Promise<KubeList<T>> {
    return this.request<KubeList<T>>(path, { query });
  }

  create<T = KubeObject>(path: string, body: unknown, query?: RequestOptions['query']): Promise<T> {
    return this.request<T>(path, { method: 'POST', body, query });
  }

  update<T = KubeObject>(path: string, body: unknown, query?: RequestOptions['query']): Promise<T> {
    return this.request<T>(path, { method: 'PUT', body, query });
  }

  patch<T = KubeObject>(path: string, body: unknown, type: 'merge' | 'strategic' | 'json' | 'apply' = 'merge', query?: RequestOptions['query']): Promise<T> {
    const contentType = {
      merge: 'application/merge-patch+json',
      strategic: 'application/strategic-merge-patch+json',
      json: 'application/json-patch+json',
      apply: 'application/apply-patch+yaml',
    }[type];
    return this.request<T>(path, { method: 'PATCH', body, contentType, query });
  }

  delete<T = unknown>(path: string, body?: unknown, query?: RequestOptions['query']): Promise<T> {
    return this.request<T>(path, { method: 'DELETE', body, query });
  }

  /** Streams watch events; `onEvent` sees each decoded event in order. */
  watch<T = KubeObject>(path: string, query: RequestOptions['query'], onEvent: (e: WatchEvent<T>) => void): WatchHandle {
    let res: IncomingMessage | undefined;
    let stopped = false;
    const done = (async () => {
      let origin: Origin;
      [res, origin] = await this.sendWithOrigin(path, { query: { ...query, watch: 'true' } }, true);
      if (stopped) { res.destroy(); return; }
      if ((res.statusCode ?? 0) >= 300) throw toError(res.statusCode ?? 0, await readAll(res));
      res.setEncoding('utf8');
      const decoded = decodeLines(res, line => onEvent(JSON.parse(line) as WatchEvent<T>));
      const unguard = this.origins.length > 1 ? this.guardIdleWatch(origin, res) : undefined;
      await decoded.catch(err => {
        if (!stopped) throw err;
      }).finally(unguard);
    })();
    return {
      done,
      stop() {
        stopped = true;
        res?.destroy();
      },
    };
  }

  /**
   * Sends the request to the active server, moving to the next ones as failover allows. With one
   * server it is sendTo itself: every request of every component passes here, and the failover
   * loop's promise layers would cost each of them.
   */
  private send(path: string, opts: RequestOptions): Promise<IncomingMessage> {
    if (this.origins.length === 1) return this.sendTo(this.origins[0], path, opts, false);
    return this.sendWithOrigin(path, opts, false).then(([res]) => res);
  }

  /** send(), also saying which server answered. */
  private async sendWithOrigin(path: string, opts: RequestOptions, watch: boolean): Promise<[IncomingMessage, Origin]> {
    if (this.origins.length === 1) return [await this.sendTo(this.origins[0], path, opts, watch), this.origins[0]];
    const read = (opts.method ?? 'GET') === 'GET';
    for (let attempt = 1; ; attempt++) {
      const origin = this.origins[this.active];
      try {
        return [await this.sendTo(origin, path, opts, watch), origin];
      } catch (err) {
        const unreachable = toUnreachable(origin.url, err);
        if (!unreachable) throw err;
        this.failOver(origin);
        if ((unreachable.sent && !read) || attempt >= this.origins.length) throw unreachable;
      }
    }
  }

  /**
   * Probes the server of a watch whenever the watch has heard nothing for WATCH_IDLE_MS (a quiet
   * resource, or a dead machine); returns what stops it.
   */
  private guardIdleWatch(origin: Origin, res: IncomingMessage): () => void {
    let heard = Date.now();
    res.on('data', () => { heard = Date.now(); });
    const timer = setInterval(() => {
      if (Date.now() - heard >= WATCH_IDLE_MS) void this.probe(origin);
    }, WATCH_IDLE_MS / 2);
    timer.unref();
    return () => clearInterval(timer);
  }

  /**
   * Asks `origin` for /livez (any answer will do); one that cannot be reached is failed over from.
   * `fresh`: on a new connection (the watch agent pools none), not a pooled one that may be dead.
   */
  private probe(origin: Origin, fresh = false): Promise<void> {
    return (origin.probing ??= (async () => {
      try {
        (await this.sendTo(origin, '/livez', {}, fresh, PROBE_TIMEOUT_MS)).resume();
      } catch (err) {
        if (toUnreachable(origin.url, err)) this.failOver(origin);
      } finally {
        origin.probing = undefined;
      }
    })());
  }

  /**
   * Leaves `origin` for the next server (unless another request already did), and has every client
   * sharing the server list leave it too.
   */
  private failOver(origin: Origin): void {
    if (this.leave(origin)) this.config.serverList?.reportDown(origin.url);
  }

  /**
   * Moves to the next server if `origin` is the active one and closes every connection to it:
   * pooled sockets would hang on a dead server, and its watches must resume elsewhere. Whether it moved.
   */
  private leave(origin: Origin): boolean {
    if (this.origins[this.active] !== origin) return false;
    this.active = (this.active + 1) % this.origins.length;
    this.renewAgents(origin);
    for (const listener of this.failoverListeners) listener(origin.url, this.server);
    return true;
  }

  /**
   * New connection pools for `origin`. The old watch pool is closed at once (its watches resume on
   * new connections). On a certificate rotation (`drain`) requests in flight on the old request pool
   * finish first — closing their sockets would fail them with "socket hang up" — and each socket is
   * closed as it comes free; on failover the server is gone, so everything is closed now.
   */
  private renewAgents(origin: Origin, drain = false): void {
    const [oldAgent, oldWatchAgent] = [origin.agent, origin.watchAgent];
    [origin.agent, origin.watchAgent] = agentsFor(this.config);
    oldWatchAgent.destroy();
    if (!drain) return oldAgent.destroy();
    for (const sockets of Object.values(oldAgent.freeSockets)) for (const socket of sockets ?? []) socket.destroy();
    oldAgent.on('free', socket => socket.destroy());
  }

  private sendTo(origin: Origin, path: string, opts: RequestOptions, watch: boolean, responseTimeoutMs = RESPONSE_TIMEOUT_MS): Promise<IncomingMessage> {
    const body = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    const headers: Record<string, string> = { Accept: opts.accept ?? 'application/json', 'User-Agent': this.userAgent };
    if (body !== undefined) {
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    if (this.config.token) headers.Authorization = `Bearer ${this.config.token}`;
    const agent = watch ? origin.watchAgent : origin.agent;
    const options: HttpsRequestOptions = { ...origin.fields, path: this.requestPath(origin, path, opts.query), method: opts.method ?? 'GET', headers, agent };
    const failover = this.origins.length > 1;
    return new Promise((resolve, reject) => {
      let answered = false;
      const req = request(options, res => {
        answered = true;
        clearTimeout(responseTimer);
        resolve(res);
      });
      // Only with somewhere else to go: a single server is waited for, as before. A watch too gets
      // its response headers at once (the stream's events are then watched by guardIdleWatch). One
      // timer: at STALL_PROBE_MS it probes the server and is replaced by the response deadline's.
      let responseTimer: NodeJS.Timeout | undefined;
      if (failover) {
        const timeout = () => req.destroy(new ServerUnreachableError(origin.url, `no answer within ${responseTimeoutMs} ms`, true));
        responseTimer = responseTimeoutMs <= STALL_PROBE_MS ? setTimeout(timeout, responseTimeoutMs) : setTimeout(() => {
          void this.probe(origin, true);
          responseTimer = setTimeout(timeout, responseTimeoutMs - STALL_PROBE_MS);
        }, STALL_PROBE_MS);
        req.on('socket', socket => {
          if (!socket.connecting) return;
          const connectTimer = setTimeout(() => req.destroy(new ServerUnreachableError(origin.url, `no connection within ${CONNECT_TIMEOUT_MS} ms`, false)), CONNECT_TIMEOUT_MS);
          socket.once('connect', () => clearTimeout(connectTimer));
          socket.once('close', () => clearTimeout(connectTimer));
        });
      }
      req.on('error', err => {
        clearTimeout(responseTimer);
        if (!answered) reject(err);
      });
      req.end(body);
    });
  }

  /** The request target: the server's prefix, the path and the query, as URL parsing makes it. */
  private requestPath(origin: Origin, path: string, query: RequestOptions['query']): string {
    let params: URLSearchParams | undefined;
    for (const k in query) {
      const v = query[k];
      if (v !== undefined) (params ??= new URLSearchParams()).set(k, String(v));
    }
    if (PLAIN_PATH.test(path) && !DOT_SEGMENT.test(path)) return params ? `${origin.pathPrefix}${path}?${params}` : origin.pathPrefix + path;
    const url = new URL(origin.url + path);
    if (params) for (const [k, v] of params) url.searchParams.set(k, v);
    return url.pathname + url.search;
  }
}

/**
 * Calls `onLine` for each non-blank line of a text stream, as chunks arrive (data events: a watch
 * delivers an event or two per chunk, and an async iterator would cost a promise per chunk).
 * Resolves at the stream's end; rejects if it fails, closes early, or `onLine` throws (the stream
 * is then destroyed).
 */
function decodeLines(res: IncomingMessage, onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let buf = '';
    res.on('data', (chunk: string) => {
      buf += chunk;
      let start = 0;
      let nl: number;
      try {
        while ((nl = buf.indexOf('\n', start)) >= 0) {
          const line = buf.slice(start, nl);
          start = nl + 1;
          if (line.trim()) onLine(line);
        }
      } catch (err) {
        res.destroy();
        reject(err);
        return;
      }
      buf = buf.slice(start);
    });
    res.on('end', resolve);
    res.on('error', reject);
    res.on('close', () => reject(new Error('stream closed before its end')));
  });
}

/** The whole body as text; rejects if the stream fails or closes before its end. */
function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let ended = false;
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => {
      ended = true;
      resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    });
    res.on('error', reject);
    res.on('close', () => { if (!ended) reject(new Error('response closed before its end')); });
  });
}

/** The failure as a reason to try another server, or undefined when it is not one. */
function toUnreachable(server: string, err: unknown): ServerUnreachableError | undefined {
  if (err instanceof ServerUnreachableError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== undefined && NOT_SENT.has(code)) return new ServerUnreachableError(server, (err as Error).message, false);
  // The connection broke under the request: it may have been applied.
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ETIMEDOUT') return new ServerUnreachableError(server, (err as Error).message, true);
  return undefined;
}

function toError(code: number, text: string): StatusError {
  try {
    const s = JSON.parse(text) as Status;
    if (s.kind === 'Status') return new StatusError(s.code ?? code, s.reason ?? 'InternalError', s.message ?? '', s.details);
  } catch {
    // not a Status body; fall through
  }
  return new StatusError(code, code === 404 ? 'NotFound' : 'InternalError', text.slice(0, 500) || `HTTP ${code}`);
}
