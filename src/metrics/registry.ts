// Every component's Prometheus registry, backed by prom-client: one registry per component (an agent
// runs several in one process, each serving its own /metrics), the process and Node.js runtime
// series prom-client collects by default, and the exposition written to an HTTP response.

import type { ServerResponse } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export { Counter, Gauge, Histogram, Registry };

/** A registry for one component, with the process_* and nodejs_* series every component exposes. */
export function componentRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** Writes the registry in the text exposition format (version 0.0.4, what Prometheus scrapes). */
export async function serveMetrics(res: ServerResponse, registry: Registry): Promise<void> {
  const body = await registry.metrics();
  res.writeHead(200, { 'Content-Type': registry.contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
