// Every component's Prometheus registry, backed by prom-client: one registry per component (an agent
// runs several in one process, each serving its own /metrics), the process and Node.js runtime
// series prom-client collects by default, and the exposition written to an HTTP response.

import { createServer, type Server, type ServerResponse } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export { Counter, Gauge, Histogram, Registry };

/** A registry for one component, with the process_* and nodejs_* series every component exposes. */
export function componentRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * The registry in the text exposition format (version 0.0.4, what Prometheus scrapes), each
 * sample's label pairs sorted by name as Go's client_golang writes them (prom-client keeps the order
 * a caller passed), so every series reads exactly as upstream's component would write it. With
 * `timestampMs`, every sample carries it: the moment figures read from elsewhere were taken (the
 * kubelet's resource and cAdvisor metrics), which prom-client has no way to say.
 */
export async function exposition(registry: Registry, timestampMs?: number): Promise<string> {
  const stamp = timestampMs === undefined ? (line: string) => line : (line: string) => (line && !line.startsWith('#') ? `${line} ${Math.round(timestampMs)}` : line);
  return (await registry.metrics()).split('\n').map(line => stamp(sortSampleLabels(line))).join('\n');
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\}( .*)$/;
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/y;

function sortSampleLabels(line: string): string {
  const m = SAMPLE.exec(line);
  if (!m) return line;
  const pairs: [string, string][] = [];
  let consumed = 0;
  LABEL_PAIR.lastIndex = 0;
  for (let pair; (pair = LABEL_PAIR.exec(m[2])); consumed = LABEL_PAIR.lastIndex) pairs.push([pair[1], pair[2]]);
  // Not label pairs as prom-client writes them: leave the line as it is.
  if (consumed !== m[2].length) return line;
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return `${m[1]}{${pairs.map(([k, v]) => `${k}="${v}"`).join(',')}}${m[3]}`;
}

/** Writes the registry's exposition (see `exposition`) as an HTTP response. */
export async function serveMetrics(res: ServerResponse, registry: Registry): Promise<void> {
  const body = await exposition(registry);
  res.writeHead(200, { 'Content-Type': registry.contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Serves GET /metrics (and /healthz) on a plain HTTP listener, for components without an HTTP server
 * of their own; a failure to listen is reported through `onError`, not thrown (the component does
 * its job without it).
 */
export function listenMetrics(registry: Registry, address: string, port: number, onError: (err: Error) => void): Server {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://metrics').pathname;
    if (path === '/metrics' && req.method === 'GET') return void serveMetrics(res, registry);
    if (path === '/healthz' && req.method === 'GET') return void res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end('ok');
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
  });
  server.on('error', onError);
  server.listen(port, address);
  return server;
}
