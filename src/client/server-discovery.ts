// Clients learn the cluster's API servers from the `kubernetes` Endpoints in the default namespace
// (kept by every server, apiserver/endpoint-reconciler.ts), as k3s's agent load balancer does: a
// client given one server also fails over to the others it learned. A ServerList is shared by every
// client of one process through ClientConfig.serverList; the configured servers stay first and are
// never dropped (one may be a load balancer's address, not in the Endpoints).
import type { KubeObject } from '../api/object.js';
import { joinHostPort } from '../util/host-port.js';
import type { RestClient } from './rest-client.js';

const POLL_MS = 10_000;

export class ServerList {
  private urls: string[];
  private readonly listeners = new Set<(urls: string[]) => void>();

  constructor(readonly configured: string[]) {
    this.urls = [...configured];
  }

  get current(): string[] {
    return this.urls;
  }

  /** Sets the learned servers (after the configured ones); listeners hear of a change. */
  learn(discovered: string[]): void {
    const next = [...new Set([...this.configured, ...discovered])];
    if (next.join(',') === this.urls.join(',')) return;
    this.urls = next;
    for (const l of this.listeners) l(next);
  }

  subscribe(listener: (urls: string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** `https://ip:port` of every address of the Endpoints. */
export function serversFromEndpoints(endpoints: KubeObject): string[] {
  const subsets = (endpoints.subsets ?? []) as { addresses?: { ip: string }[]; ports?: { name?: string; port: number }[] }[];
  return subsets.flatMap(s => {
    const port = s.ports?.find(p => p.name === 'https')?.port ?? s.ports?.[0]?.port;
    return port === undefined ? [] : (s.addresses ?? []).map(a => `https://${joinHostPort(a.ip, port)}`);
  });
}

/** Reads the `kubernetes` Endpoints every 10 s into `list`; returns what stops it. */
export function startServerDiscovery(client: RestClient, list: ServerList, log: (msg: string, fields?: Record<string, unknown>) => void): () => void {
  let failures = 0;
  const poll = async () => {
    try {
      // A list (kube-proxy's role may list Endpoints, not get them).
      const { items } = await client.list('/api/v1/namespaces/default/endpoints', { fieldSelector: 'metadata.name=kubernetes' });
      if (items.length) list.learn(items.flatMap(serversFromEndpoints));
      failures = 0;
    } catch (err) {
      // Logged once per outage: the client is failing over meanwhile.
      if (failures++ === 0) log('cannot read the API servers from the kubernetes Endpoints', { error: (err as Error).message });
    }
  };
  void poll();
  const timer = setInterval(() => void poll(), POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
