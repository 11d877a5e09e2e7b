// kube-proxy's own health endpoint (upstream's --healthz-bind-address, port 10256): /healthz and
// /livez answer 200 while the proxy keeps up — no change has waited longer than the timeout for a
// sync — and 503 otherwise, with upstream's JSON ({lastUpdated, currentTime, nodeEligible}).
// /healthz is also 503 while this node is being deleted or drained for deletion (load balancers
// stop sending new connections to it); /livez ignores that.
import { createServer, type Server } from 'node:http';
import type { Logger } from '../util/log.js';
import type { NodeObject } from './types.js';

export const DEFAULT_HEALTHZ_PORT = 10256;
const TO_BE_DELETED_TAINT = 'ToBeDeletedByClusterAutoscaler';

export class ProxierHealth {
  private lastUpdated?: Date;
  /** When the oldest change not yet synced arrived; undefined when nothing waits. */
  private pendingSince?: number;

  /** @param timeoutMs how long a change may wait for its sync before the proxy counts as unhealthy */
  constructor(private readonly timeoutMs: number, private readonly now = () => Date.now()) {}

  queued(): void {
    this.pendingSince ??= this.now();
  }

  synced(): void {
    this.lastUpdated = new Date(this.now());
    this.pendingSince = undefined;
  }

  healthy(): boolean {
    return this.pendingSince === undefined || this.now() - this.pendingSince < this.timeoutMs;
  }

  /** The status and body of /healthz (`node` given) or /livez. */
  answer(path: '/healthz' | '/livez', node?: NodeObject): { code: number; body: string } {
    const nodeEligible = path === '/livez' || isEligible(node);
    const ok = this.healthy() && nodeEligible;
    const body: Record<string, unknown> = { lastUpdated: (this.lastUpdated ?? new Date(0)).toISOString(), currentTime: new Date(this.now()).toISOString() };
    if (path === '/healthz') body.nodeEligible = nodeEligible;
    return { code: ok ? 200 : 503, body: JSON.stringify(body) };
  }
}

function isEligible(node: NodeObject | undefined): boolean {
  if (!node || node.metadata.deletionTimestamp) return false;
  return !(node.spec?.taints ?? []).some(t => t.key === TO_BE_DELETED_TAINT);
}

/** Serves /healthz and /livez on `address:port`; a failure to listen is logged, not fatal. */
export function serveProxierHealth(health: ProxierHealth, node: () => NodeObject | undefined, address: string, port: number, log: Logger): Server {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://proxy').pathname;
    if (path !== '/healthz' && path !== '/livez') {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
      res.end('404 page not found\n');
      return;
    }
    const { code, body } = health.answer(path, node());
    res.writeHead(code, { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff' });
    res.end(body);
  });
  server.on('error', err => log('kube-proxy health server failed', { address, port, error: err.message }));
  server.listen(port, address);
  return server;
}
