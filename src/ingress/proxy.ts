// The ingress proxy: each request is routed by the current route table (Host header and path) to
// one ready endpoint of its backend, in turn, and streamed both ways over kept-alive connections to
// the pods. WebSocket and other HTTP upgrades are relayed byte for byte once the backend answers.
// The backend sees the client's Host and the X-Forwarded-* / X-Real-IP headers ingress-nginx sets
// (the client's own X-Forwarded-For is extended; its other forwarding headers are not trusted).
import { Agent, request, type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { plainResponse, splice } from '../util/http-upgrade.js';
import type { Logger } from '../util/log.js';
import { findRoute, type Backend, type BackendEndpoint, type RouteTable } from './route-table.js';

/** How the client reached us: the scheme and the port it connected to. */
export interface Listener {
  scheme: 'http' | 'https';
  port: number;
}

/** ingress-nginx's proxy-connect-timeout and proxy-read-timeout. */
const CONNECT_TIMEOUT_MS = 5_000;
const READ_TIMEOUT_MS = 60_000;
/** Endpoints tried for one request whose connection fails (ingress-nginx's proxy-next-upstream-tries is 3). */
const MAX_TRIES = 3;

/** Connection-level headers: they describe one hop and are never forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);
/** Set by us from what we saw, never taken from the client. */
const OURS = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'x-real-ip']);
/** Errors that mean the request never reached the backend, so another endpoint may be tried. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNTIMEOUT']);

interface Attempts {
  tried: Set<BackendEndpoint>;
  attempts: number;
}

class ConnectTimeoutError extends Error {
  readonly code = 'ECONNTIMEOUT';
}

export class IngressProxy {
  // Kept-alive connections to the pods (ingress-nginx's upstream keepalive), most recent first so
  // idle ones age out.
  private readonly agent = new Agent({ keepAlive: true, maxFreeSockets: 64, scheduling: 'lifo' });
  /** Each backend's next endpoint; a new table (new Backend objects) starts the turns afresh. */
  private readonly turns = new WeakMap<Backend, number>();

  constructor(private readonly table: () => RouteTable, private readonly log: Logger) {}

  close(): void {
    this.agent.destroy();
  }

  handle(req: IncomingMessage, res: ServerResponse, via: Listener): void {
    const backend = this.route(req);
    if ('status' in backend) reply(res, backend.status, backend.body);
    else this.forward(req, res, via, backend, { tried: new Set(), attempts: 0 });
  }

  /** An HTTP upgrade (WebSocket): relayed as raw bytes once the backend connection is open. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, via: Listener): void {
    socket.on('error', () => socket.destroy());
    const backend = this.route(req);
    if ('status' in backend) {
      reply(plainResponse(req, socket), backend.status, backend.body);
      return;
    }
    const ep = this.next(backend, new Set());
    const conn = connect({ host: ep.host, port: ep.port });
    const timer = setTimeout(() => conn.destroy(new ConnectTimeoutError('connect timeout')), CONNECT_TIMEOUT_MS);
    conn.once('connect', () => {
      clearTimeout(timer);
      conn.write(requestHead(req, via));
      if (head.length) conn.write(head);
      splice(socket, conn);
    });
    conn.once('error', err => {
      clearTimeout(timer);
      if (conn.connecting || !conn.bytesWritten) this.badGateway(plainResponse(req, socket), backend, ep, err);
      else socket.destroy();
    });
  }

  /** The request's backend, or the 404 or 503 to answer instead. */
  private route(req: IncomingMessage): Backend | { status: number; body: string } {
    const found = findRoute(this.table(), req.headers.host, req.url ?? '/');
    if (!found) {
      const path = (req.url ?? '/').split('?', 1)[0];
      return { status: 404, body: `404 Not Found: no Ingress rule matches host "${req.headers.host ?? ''}" and path "${path}", and there is no default backend\n` };
    }
    const b = found.backend;
    return b.endpoints.length ? b : { status: 503, body: `503 Service Unavailable: ${b.unavailable ?? `backend ${b.id} has no endpoints`}\n` };
  }

  /** Round robin over the backend's endpoints, skipping those already tried for this request. */
  private next(backend: Backend, tried: Set<BackendEndpoint>): BackendEndpoint {
    const n = backend.endpoints.length;
    let turn = this.turns.get(backend) ?? 0;
    let ep = backend.endpoints[turn % n];
    for (let i = 0; i < n && tried.has(ep); i++) ep = backend.endpoints[++turn % n];
    this.turns.set(backend, (turn + 1) % n);
    return ep;
  }

  private forward(req: IncomingMessage, res: ServerResponse, via: Listener, backend: Backend, state: Attempts): void {
    const ep = this.next(backend, state.tried);
    state.tried.add(ep);
    state.attempts++;
    const upstream: ClientRequest = request({
      host: ep.host, port: ep.port, method: req.method, path: req.url, agent: this.agent, setHost: false,
      headers: forwardedHeaders(req, via, false),
    });
    let connectTimer: NodeJS.Timeout | undefined;
    upstream.on('socket', (s: Socket) => {
      if (s.connecting) {
        connectTimer = setTimeout(() => upstream.destroy(new ConnectTimeoutError('connect timeout')), CONNECT_TIMEOUT_MS);
        s.once('connect', () => clearTimeout(connectTimer));
      }
    });
    upstream.setTimeout(READ_TIMEOUT_MS, () => upstream.destroy(Object.assign(new Error('backend read timeout'), { code: 'ETIMEDOUT' })));
    upstream.on('response', (up: IncomingMessage) => {
      res.writeHead(up.statusCode ?? 502, up.statusMessage, withoutHopByHop(up.rawHeaders, up.headers.connection));
      up.pipe(res);
      up.on('error', () => res.destroy());
    });
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(connectTimer);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // Retried only when the backend cannot have acted on it: a request without a body, refused at
      // connect (then on another endpoint), or sent on a kept-alive connection the backend had just
      // closed (then the same endpoint may be tried again, on a new connection).
      const stale = upstream.reusedSocket && err.code === 'ECONNRESET';
      if (stale) state.tried.delete(ep);
      const another = stale || (NOT_CONNECTED.has(err.code ?? '') && state.tried.size < backend.endpoints.length);
      if (!hasBody(req) && another && state.attempts < MAX_TRIES) {
        this.forward(req, res, via, backend, state);
        return;
      }
      if (err.code === 'ETIMEDOUT') reply(res, 504, `504 Gateway Timeout: backend ${backend.id} (${address(ep)}) did not answer in time\n`);
      else this.badGateway(res, backend, ep, err);
    });
    // The client went away: drop the backend request too.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    if (hasBody(req)) req.pipe(upstream);
    else upstream.end();
  }

  private badGateway(res: ServerResponse, backend: Backend, ep: BackendEndpoint, err: NodeJS.ErrnoException): void {
    this.log('ingress backend failed', { backend: backend.id, endpoint: address(ep), error: err.code ?? err.message });
    reply(res, 502, `502 Bad Gateway: backend ${backend.id} (${address(ep)}): ${err.code ?? err.message}\n`);
  }
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

function address(ep: BackendEndpoint): string {
  return ep.host.includes(':') ? `[${ep.host}]:${ep.port}` : `${ep.host}:${ep.port}`;
}

function reply(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** `1.2.3.4` rather than `::ffff:1.2.3.4` from a dual-stack socket. */
function clientAddress(req: IncomingMessage): string {
  const a = req.socket.remoteAddress ?? '';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

/**
 * The client's headers for the backend (raw, in order): hop-by-hop ones dropped unless the request
 * is an upgrade (which needs its Connection and Upgrade), the forwarding headers set by us.
 */
function forwardedHeaders(req: IncomingMessage, via: Listener, upgrade: boolean): string[] {
  const connectionTokens = upgrade ? new Set<string>() : connectionNamed(req.headers.connection);
  const out: string[] = [];
  const raw = req.rawHeaders;
  let priorFor: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (name === 'x-forwarded-for') priorFor = priorFor ? `${priorFor}, ${raw[i + 1]}` : raw[i + 1];
    if (OURS.has(name) || (!upgrade && (HOP_BY_HOP.has(name) || connectionTokens.has(name)))) continue;
    out.push(raw[i], raw[i + 1]);
  }
  const client = clientAddress(req);
  const host = req.headers.host ?? '';
  out.push(
    'X-Real-IP', client,
    'X-Forwarded-For', priorFor ? `${priorFor}, ${client}` : client,
    'X-Forwarded-Host', host,
    'X-Forwarded-Port', String(via.port),
    'X-Forwarded-Proto', via.scheme,
  );
  return out;
}

/** The request line and headers of an upgrade request, to write on the backend connection. */
function requestHead(req: IncomingMessage, via: Listener): string {
  const h = forwardedHeaders(req, via, true);
  const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1`];
  for (let i = 0; i + 1 < h.length; i += 2) lines.push(`${h[i]}: ${h[i + 1]}`);
  return lines.join('\r\n') + '\r\n\r\n';
}

function withoutHopByHop(raw: string[], connection: string | undefined): string[] {
  const named = connectionNamed(connection);
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (!HOP_BY_HOP.has(name) && !named.has(name)) out.push(raw[i], raw[i + 1]);
  }
  return out;
}

/** Header names listed in a Connection header (which are hop-by-hop too). */
function connectionNamed(connection: string | undefined): Set<string> {
  return new Set((connection ?? '').split(',').map(t => t.trim().toLowerCase()).filter(Boolean));
}
