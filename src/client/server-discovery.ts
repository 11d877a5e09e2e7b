// Clients learn the cluster's API servers from the `kubernetes` Endpoints in the default namespace
// (kept by every server, apiserver/endpoint-reconciler.ts), as k3s's agent load balancer does: a
// client given one server also fails over to the others it learned. A ServerList is shared by every
// client of one process through ClientConfig.serverList; the configured servers stay first and are
// never dropped (one may be a load balancer's address, not in the Endpoints). It also carries the
// news of a server found down from the client that found it to the others, so the process leaves it
// at once, as k3s's agent load balancer closes every connection of a server that failed its check:
// a node's Lease client learns of it from the informers' broken watches, not its next renewal.
import type { KubeObject } from '../api/object.js';
import { joinHostPort } from '../util/host-port.js';
import { Informer } from './informer.js';
import type { RestClient } from './rest-client.js';

const ENDPOINTS_PATH = '/api/v1/namespaces/default/endpoints';

export class ServerList {
  private urls: string[];
  private readonly listeners = new Set<(urls: string[]) => void>();
  private readonly downListeners = new Set<(url: string) => void>();

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

  /** Tells every client sharing the list that `url` could not be reached (they move off it). */
  reportDown(url: string): void {
    for (const l of this.downListeners) l(url);
  }

  onServerDown(listener: (url: string) => void): () => void {
    this.downListeners.add(listener);
    return () => this.downListeners.delete(listener);
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

/**
 * Watches the `kubernetes` Endpoints into `list` (an informer: a list, then a watch resumed from its
 * last resourceVersion, re-listed on 410), so a server that joins is used and one that leaves is
 * dropped as soon as the Endpoints say so. Returns what stops it.
 */
export function startServerDiscovery(client: RestClient, list: ServerList, log: (msg: string, fields?: Record<string, unknown>) => void): () => void {
  let failing = false;
  const learn = (endpoints: KubeObject) => {
    failing = false;
    list.learn(serversFromEndpoints(endpoints));
  };
  // Field-selected by name: kube-proxy's role may list and watch Endpoints, not get them.
  const informer = new Informer(client, ENDPOINTS_PATH, {
    fieldSelector: 'metadata.name=kubernetes',
    onError: err => {
      // Logged once until the Endpoints are heard from again: the client is failing over meanwhile, and the informer retries.
      if (!failing) log('cannot watch the API servers in the kubernetes Endpoints', { error: (err as Error).message });
      failing = true;
    },
  });
  informer.on({ add: learn, update: (_, endpoints) => learn(endpoints), delete: () => list.learn([]) });
  informer.start();
  return () => informer.stop();
}
