// Raw HTTPS requests to an API server with a kubeconfig's credentials: any method, content type,
// header or bytes, for tests of what the server makes of input no client library would send.
import { Agent, request as httpsRequest } from 'node:https';
import type { ClientConfig } from '../../../src/client/kubeconfig.js';

export interface RawResponse { code: number; headers: Record<string, string | string[] | undefined>; body: string }

export interface RawOptions {
  contentType?: string;
  /** A bearer token instead of the kubeconfig's client certificate. */
  token?: string;
  /** Milliseconds between the parts of a body given as a list. */
  gap?: number;
  headers?: Record<string, string>;
  agent?: Agent;
  /** Gives up (resolving with code 0) after this many milliseconds: for watches. */
  abortAfterMs?: number;
}

/** One HTTPS request with the kubeconfig's credentials (or `token`); `body` may be sent in parts, `gap` ms apart. */
export function raw(config: ClientConfig, method: string, path: string, body: Buffer | string | (Buffer | string)[] = '', opts: RawOptions = {}): Promise<RawResponse> {
  const url = new URL(path, config.server);
  const parts = Array.isArray(body) ? body : [body];
  const length = parts.reduce((n, p) => n + Buffer.byteLength(p), 0);
  return new Promise((resolve, reject) => {
    const req = httpsRequest({
      host: url.hostname, port: url.port, path: url.pathname + url.search, method, ca: config.ca,
      ...(opts.token ? {} : { cert: config.cert, key: config.key }),
      agent: opts.agent,
      headers: {
        'Content-Type': opts.contentType ?? 'application/json', 'Content-Length': String(length),
        ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}), ...opts.headers,
      },
    }, res => {
      let text = '';
      res.setEncoding('utf8').on('data', d => (text += d)).on('end', () => resolve({ code: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on('error', () => resolve({ code: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on('close', () => resolve({ code: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    if (opts.abortAfterMs) setTimeout(() => req.destroy(), opts.abortAfterMs).unref();
    req.on('error', err => (req.destroyed && opts.abortAfterMs ? resolve({ code: 0, headers: {}, body: '' }) : reject(err)));
    void (async () => {
      for (const [i, part] of parts.entries()) {
        if (i > 0 && opts.gap) await new Promise(r => setTimeout(r, opts.gap));
        if (!req.destroyed) req.write(part);
      }
      if (!req.destroyed) req.end();
    })();
  });
}

