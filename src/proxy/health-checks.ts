// healthCheckNodePort servers: for each LoadBalancer Service with externalTrafficPolicy Local, an
// HTTP server on its healthCheckNodePort answers 200 while this node has a local endpoint and 503
// otherwise, with upstream's JSON body, so an external load balancer sends traffic only to nodes
// that can serve it without a second hop.
import { createServer, type Server } from 'node:http';
import type { Logger } from '../util/log.js';
import type { HealthCheckInfo } from './types.js';

export function healthCheckBody(info: HealthCheckInfo): string {
  return JSON.stringify({ service: { namespace: info.namespace, name: info.name }, localEndpoints: info.localEndpoints, serviceProxyHealthy: true });
}

export class HealthCheckServers {
  private readonly servers = new Map<number, { server: Server; info: HealthCheckInfo }>();

  constructor(private readonly log: Logger) {}

  /** Opens a server for each new port, closes those no longer wanted, updates what the rest report. */
  update(checks: Map<number, HealthCheckInfo>): void {
    for (const [port, entry] of this.servers) {
      if (checks.has(port)) continue;
      entry.server.close();
      this.servers.delete(port);
    }
    for (const [port, info] of checks) {
      const current = this.servers.get(port);
      if (current) {
        current.info = info;
        continue;
      }
      const entry = { info, server: createServer((_req, res) => {
        const { info: now } = entry;
        res.writeHead(now.localEndpoints > 0 ? 200 : 503, { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff' });
        res.end(healthCheckBody(now));
      }) };
      entry.server.on('error', err => this.log('health check server failed', { port, service: `${info.namespace}/${info.name}`, error: err.message }));
      entry.server.listen(port, '0.0.0.0');
      this.servers.set(port, entry);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.servers.values()].map(e => new Promise(resolve => e.server.close(resolve))));
    this.servers.clear();
  }
}
