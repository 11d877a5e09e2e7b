// Requests for a Service-backed APIService's group-version go to its server, as upstream's
// aggregator proxyHandler sends them: after authentication and authorization here, with the
// caller named in X-Remote-User / X-Remote-Group / X-Remote-Extra-* (the client's own credentials
// and identity headers dropped), over TLS with the front-proxy client certificate. Bodies stream
// both ways unbuffered (watches), and upgrades (exec-style streams) are spliced.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { request } from 'node:https';
import type { Duplex } from 'node:stream';
import { connect } from 'node:tls';
import { isTrue } from '../../api/conditions.js';
import type { APIService } from '../../api/types/generated.js';
import type { PemPair } from '../../pki/certificates.js';
import { plainResponse, splice, upgradeRequestHead } from '../../util/http-upgrade.js';
import { goNetworkError, type ServiceResolver } from '../admission/webhook/client.js';
import type { UserInfo } from '../context.js';
import { endpointUrl, proxyTls, type Endpoint } from './backend.js';

/** Hop-by-hop headers (Go's ReverseProxy drops them) and the client's credentials and identity claims. */
const DROPPED = new Set(['connection', 'proxy-connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'authorization']);
const REDIRECT_REFUSED = 'the backend attempted to redirect this request, which is not permitted';
const HOP_BY_HOP_RESPONSE = new Set(['connection', 'proxy-connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** The caller as upstream's SetAuthProxyHeaders writes it (extra keys percent-encoded). */
export function identityHeaders(user: UserInfo): [string, string][] {
  const out: [string, string][] = [['X-Remote-User', user.username]];
  for (const g of user.groups) out.push(['X-Remote-Group', g]);
  for (const [key, values] of Object.entries(user.extra ?? {})) {
    for (const v of values) out.push([`X-Remote-Extra-${encodeURIComponent(key)}`, v]);
  }
  return out;
}

/** Go's url.Values.Encode: keys sorted, values in order. */
function sortedQuery(search: URLSearchParams): string {
  const q = new URLSearchParams(search);
  q.sort();
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Go's http.Error, which upstream's proxy answers with (plain text, not a Status). */
function plainError(res: ServerResponse, code: number, message: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end(message + '\n');
}

export class APIServiceProxy {
  constructor(private readonly client: PemPair, private readonly resolve: ServiceResolver) {}

  /** Where to send a request, or undefined (after answering 503 on `answer()`) when the APIService cannot take it. */
  private target(apiService: APIService, answer: () => ServerResponse): Endpoint | undefined {
    const ref = apiService.spec?.service;
    if (ref && isTrue(apiService.status?.conditions, 'Available')) {
      try {
        return this.resolve(ref.namespace ?? '', ref.name ?? '', ref.port ?? 443);
      } catch {
        // No ready endpoint: unavailable, as below.
      }
    }
    plainError(answer(), 503, 'service unavailable');
    return undefined;
  }

  serve(req: IncomingMessage, res: ServerResponse, url: URL, apiService: APIService, user: UserInfo): Promise<void> {
    const endpoint = this.target(apiService, () => res);
    if (!endpoint) return Promise.resolve();
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || DROPPED.has(name) || name.startsWith('impersonate-') || name.startsWith('x-remote-')) continue;
      headers[name] = value;
    }
    for (const [name, value] of identityHeaders(user)) {
      const prior = headers[name];
      headers[name] = prior === undefined ? value : [...(Array.isArray(prior) ? prior : [String(prior)]), value];
    }
    const forwarded = req.headers['x-forwarded-for'];
    headers['x-forwarded-for'] = [forwarded, req.socket.remoteAddress].filter(Boolean).join(', ');
    return new Promise(done => {
      const upstream = request({
        host: endpoint.host, port: endpoint.port, method: req.method, path: url.pathname + sortedQuery(url.searchParams),
        headers, agent: false, ...proxyTls(apiService.spec!, this.client),
      }, answer => {
        // --aggregator-reject-forwarding-redirect (on by default): a backend may not send the
        // client elsewhere with our credentials' blessing.
        const code = answer.statusCode ?? 502;
        if (code >= 300 && code <= 399 && answer.headers.location) {
          answer.resume();
          res.writeHead(502, { 'Content-Length': Buffer.byteLength(REDIRECT_REFUSED) });
          res.end(REDIRECT_REFUSED);
          return done();
        }
        const out: OutgoingHttpHeaders = {};
        for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !HOP_BY_HOP_RESPONSE.has(name)) out[name] = value;
        res.writeHead(code, out);
        // Watches: every chunk goes out as it arrives.
        res.flushHeaders();
        answer.pipe(res);
        answer.on('error', () => res.destroy());
        answer.on('end', done);
      });
      upstream.on('error', err => {
        if (!res.headersSent) plainError(res, 503, goNetworkError(err as NodeJS.ErrnoException, endpoint));
        else res.destroy();
        done();
      });
      // A client that goes away ends the backend request (and its watch) too.
      res.on('close', () => {
        upstream.destroy();
        done();
      });
      req.pipe(upstream);
    });
  }

  /** An upgrade request: the backend's answer (101 or not) and everything after go through as bytes. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL, apiService: APIService, user: UserInfo): Promise<void> {
    const endpoint = this.target(apiService, () => plainResponse(req, socket));
    if (!endpoint) return Promise.resolve();
    return new Promise(done => {
      const backend = connect({ host: endpoint.host, port: endpoint.port, ...proxyTls(apiService.spec!, this.client) });
      const failed = (err: Error) => {
        plainError(plainResponse(req, socket), 503, goNetworkError(err as NodeJS.ErrnoException, endpoint));
        done();
      };
      backend.once('error', failed);
      backend.once('secureConnect', () => {
        backend.off('error', failed);
        const host = endpointUrl(endpoint).slice('https://'.length);
        backend.write(upgradeRequestHead(req, url.pathname + sortedQuery(url.searchParams), host, identityHeaders(user)));
        if (head.length) backend.write(head);
        splice(socket, backend);
        done();
      });
    });
  }
}
