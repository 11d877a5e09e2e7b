// The API server's connection to kubelets: HTTPS with the API server's kubelet-client certificate.
// Like upstream without --kubelet-certificate-authority, the kubelet's serving certificate is not
// verified (kubelets here sign their own).
import { request as httpsRequest } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect as tlsConnect } from 'node:tls';
import type { Duplex } from 'node:stream';
import { BadRequestError, InternalError, StatusError } from '../../api/errors.js';
import type { PemPair } from '../../pki/certificates.js';
import { splice, upgradeRequestHead } from '../../util/http-upgrade.js';
import type { KubeletLocation } from './location.js';

/** The kubelet could not be reached; upstream reports the Go transport error with code 500. */
export class KubeletUnreachableError extends StatusError {
  constructor(method: string, url: string, cause: string) {
    super(500, 'InternalError', `${method === 'GET' ? 'Get' : method} "${url}": ${cause}`);
  }
}

/** A non-2xx kubelet answer to a log request, as upstream's GenericHttpResponseChecker maps it. */
export function kubeletResponseError(code: number, body: string, resource: { name: string }): StatusError {
  if (code === 400) return new BadRequestError(body);
  if (code === 500) return new InternalError(body);
  if (code === 404) return new StatusError(404, 'NotFound', 'the server could not find the requested resource', { name: resource.name, kind: 'pods' });
  return new StatusError(code, 'InternalError', `the server responded with the status code ${code} but did not return more information`);
}

const MAX_ERROR_BODY = 50_000;
/** A /metrics/resource of a few thousand containers is well under this. */
const MAX_READ_BODY = 64 * 1024 * 1024;

/** A kubelet answered, but not with 200. */
export class KubeletResponseError extends Error {
  constructor(readonly code: number, readonly body: string) {
    super(`kubelet answered ${code}: ${body.trim()}`);
  }
}

export class KubeletProxy {
  constructor(private readonly client: PemPair) {}

  private url(loc: KubeletLocation): string {
    return `https://${hostPort(loc)}${loc.path}`;
  }

  /**
   * Streams a kubelet GET (pods/log) to the client: a 2xx body passes through as text/plain, a
   * failure becomes a Status. Resolves when the stream ends or the client goes away.
   */
  async streamLog(req: IncomingMessage, res: ServerResponse, loc: KubeletLocation, podName: string): Promise<void> {
    const upstream = await this.open('GET', loc, {});
    const code = upstream.statusCode ?? 500;
    if (code < 200 || code > 206) {
      const body = await readLimited(upstream, MAX_ERROR_BODY);
      throw kubeletResponseError(code, body, { name: podName });
    }
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    await pump(req, upstream, res);
  }

  /** nodes/proxy: any method, the kubelet's status, headers and body passed through unchanged. */
  async proxy(req: IncomingMessage, res: ServerResponse, loc: KubeletLocation): Promise<void> {
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v === undefined || ['host', 'authorization', 'connection', 'keep-alive', 'transfer-encoding'].includes(k)) continue;
      headers[k] = v;
    }
    const upstream = await this.open(req.method ?? 'GET', loc, headers, req);
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(upstream.headers)) {
      if (v === undefined || ['connection', 'keep-alive', 'transfer-encoding'].includes(k)) continue;
      out[k] = v;
    }
    res.writeHead(upstream.statusCode ?? 502, out);
    await pump(req, upstream, res);
  }

  /** Relays an upgrade request (exec, attach, port-forward) to the kubelet and splices the sockets. */
  upgrade(req: IncomingMessage, client: Duplex, head: Buffer, loc: KubeletLocation): Promise<void> {
    return new Promise((resolve, reject) => {
      const backend = tlsConnect({
        host: loc.host, port: loc.port, cert: this.client.cert, key: this.client.key,
        rejectUnauthorized: false, servername: isIp(loc.host) ? undefined : loc.host,
      });
      const failed = (err: Error) => reject(new KubeletUnreachableError(req.method ?? 'GET', this.url(loc), dialMessage(err, loc)));
      backend.once('error', failed);
      backend.once('secureConnect', () => {
        backend.off('error', failed);
        backend.write(upgradeRequestHead(req, loc.path, hostPort(loc)));
        if (head.length) backend.write(head);
        splice(client, backend);
        resolve();
      });
    });
  }

  /**
   * A kubelet GET read whole (what the metrics API scrapes), given up after `timeoutMs`. A non-200
   * answer is a KubeletResponseError with the kubelet's own words.
   */
  async read(loc: KubeletLocation, timeoutMs: number): Promise<string> {
    const signal = AbortSignal.timeout(timeoutMs);
    const upstream = await this.open('GET', loc, {}, undefined, signal);
    const body = await readLimited(upstream, MAX_READ_BODY);
    if (upstream.statusCode !== 200) throw new KubeletResponseError(upstream.statusCode ?? 0, body.slice(0, MAX_ERROR_BODY));
    // Cut off by the timeout or the network: a partial body would read as wrong numbers.
    if (!upstream.complete) throw new Error(`the kubelet's answer from ${this.url(loc)} was cut short`);
    return body;
  }

  private open(method: string, loc: KubeletLocation, headers: Record<string, string | string[]>, body?: IncomingMessage, signal?: AbortSignal): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const r = httpsRequest({
        host: loc.host, port: loc.port, path: loc.path, method, headers,
        cert: this.client.cert, key: this.client.key, rejectUnauthorized: false, agent: false,
        servername: isIp(loc.host) ? undefined : loc.host, signal,
      }, resolve);
      r.once('error', err => reject(new KubeletUnreachableError(method, this.url(loc), dialMessage(err, loc))));
      if (body && method !== 'GET' && method !== 'HEAD') body.pipe(r);
      else r.end();
    });
  }
}

/** Copies the kubelet's body to the client; a client that leaves closes the kubelet stream. */
function pump(req: IncomingMessage, upstream: IncomingMessage, res: ServerResponse): Promise<void> {
  return new Promise(resolve => {
    const done = () => {
      upstream.destroy();
      resolve();
    };
    // The client may have gone while the kubelet was still answering.
    if (res.destroyed || req.socket.destroyed) return done();
    res.once('close', done);
    req.socket.once('close', done);
    upstream.once('error', () => {
      res.destroy();
      done();
    });
    upstream.once('end', () => res.end());
    upstream.on('data', (chunk: Buffer) => {
      // Flush every chunk: a followed log must reach kubectl as it is written.
      if (!res.write(chunk)) {
        upstream.pause();
        res.once('drain', () => upstream.resume());
      }
    });
  });
}

function readLimited(stream: IncomingMessage, limit: number): Promise<string> {
  return new Promise(resolve => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (c: Buffer) => {
      if (size < limit) chunks.push(c.subarray(0, limit - size));
      size += c.length;
    });
    stream.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.once('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** Go's dial error wording, which kubectl users recognise. */
function dialMessage(err: Error, loc: KubeletLocation): string {
  const code = (err as NodeJS.ErrnoException).code;
  const addr = hostPort(loc);
  if (code === 'ECONNREFUSED') return `dial tcp ${addr}: connect: connection refused`;
  if (code === 'EHOSTUNREACH') return `dial tcp ${addr}: connect: no route to host`;
  if (code === 'ENETUNREACH') return `dial tcp ${addr}: connect: network is unreachable`;
  if (code === 'ETIMEDOUT') return `dial tcp ${addr}: i/o timeout`;
  return err.message;
}

function hostPort(loc: KubeletLocation): string {
  return loc.host.includes(':') ? `[${loc.host}]:${loc.port}` : `${loc.host}:${loc.port}`;
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}
