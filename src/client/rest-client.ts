// A small typed REST client for the Kubernetes API: JSON requests over a keep-alive HTTPS agent,
// Status errors turned back into typed StatusErrors, and streaming watches.
import { Agent, request } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { StatusError, type Status } from '../api/errors.js';
import type { KubeList, KubeObject, WatchEvent } from '../api/object.js';
import type { ClientConfig } from './kubeconfig.js';

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

export class RestClient {
  private readonly agent: Agent;
  // Watches hold their connection for minutes; pooled with requests they would use up the pool's
  // sockets and leave ordinary requests waiting forever, so they get an unlimited agent of their own.
  private readonly watchAgent: Agent;

  constructor(readonly config: ClientConfig, readonly userAgent = 'k8ts') {
    const tls = { ca: config.ca, cert: config.cert, key: config.key, rejectUnauthorized: !config.insecureSkipTLSVerify };
    this.agent = new Agent({ keepAlive: true, maxSockets: 64, ...tls });
    this.watchAgent = new Agent({ keepAlive: false, ...tls });
  }

  close(): void {
    this.agent.destroy();
    this.watchAgent.destroy();
  }

  async request<T = unknown>(path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.send(path, opts);
    const text = await readAll(res);
    const status = res.statusCode ?? 0;
    if (status >= 200 && status < 300) return (text ? JSON.parse(text) : undefined) as T;
    throw toError(status, text);
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
      res = await this.send(path, { query: { ...query, watch: 'true' } }, this.watchAgent);
      if (stopped) { res.destroy(); return; }
      if ((res.statusCode ?? 0) >= 300) throw toError(res.statusCode ?? 0, await readAll(res));
      res.setEncoding('utf8');
      let buf = '';
      try {
        for await (const chunk of res) {
          buf += chunk;
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            if (line.trim()) onEvent(JSON.parse(line) as WatchEvent<T>);
          }
        }
      } catch (err) {
        if (!stopped) throw err;
      }
    })();
    return {
      done,
      stop() {
        stopped = true;
        res?.destroy();
      },
    };
  }

  private send(path: string, opts: RequestOptions, agent = this.agent): Promise<IncomingMessage> {
    const url = new URL(this.config.server + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const body = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    const headers: Record<string, string> = { Accept: opts.accept ?? 'application/json', 'User-Agent': this.userAgent };
    if (body !== undefined) {
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    if (this.config.token) headers.Authorization = `Bearer ${this.config.token}`;
    return new Promise((resolve, reject) => {
      const req = request(url, { method: opts.method ?? 'GET', headers, agent }, resolve);
      req.on('error', reject);
      req.end(body);
    });
  }
}

async function readAll(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
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
