// The API server's request series, with upstream's names, labels and buckets (what the
// kube-apiserver Grafana dashboards query): requests by verb/resource/scope/code, their latency,
// the requests in flight, and the number of stored objects per resource.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Gauge, Histogram, type Registry } from '../metrics/registry.js';
import type { RequestInfo } from './request-info.js';

const REQUEST_LABELS = ['verb', 'dry_run', 'group', 'version', 'resource', 'subresource', 'scope', 'component'] as const;
type RequestLabels = Record<(typeof REQUEST_LABELS)[number], string>;

// Upstream's apiserver_request_duration_seconds buckets.
const DURATION_BUCKETS = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];

// The verb upstream's installer reports for each Kubernetes verb (the HTTP method, LIST/WATCH for reads of collections).
const REPORTED_VERB: Record<string, string> = {
  get: 'GET', list: 'LIST', watch: 'WATCH', create: 'POST', update: 'PUT', patch: 'PATCH',
  delete: 'DELETE', deletecollection: 'DELETECOLLECTION', connect: 'CONNECT',
};

const READ_ONLY = new Set(['get', 'list', 'watch']);

export class RequestMetrics {
  private readonly requests: Counter<string>;
  private readonly duration: Histogram<string>;
  private inflightReadOnly = 0;
  private inflightMutating = 0;

  /** @param objectCounts stored objects per resource ("pods", "deployments.apps"), read at scrape time. */
  constructor(registry: Registry, objectCounts: () => Map<string, number>) {
    this.requests = new Counter({
      name: 'apiserver_request_total', registers: [registry], labelNames: [...REQUEST_LABELS, 'code'],
      help: '[STABLE] Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
    });
    this.duration = new Histogram({
      name: 'apiserver_request_duration_seconds', registers: [registry], labelNames: [...REQUEST_LABELS], buckets: DURATION_BUCKETS,
      help: '[STABLE] Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.',
    });
    const metrics = this;
    new Gauge({
      name: 'apiserver_current_inflight_requests', registers: [registry], labelNames: ['request_kind'],
      help: '[STABLE] Maximal number of currently used inflight request limit of this apiserver per request kind in last second.',
      collect() {
        this.set({ request_kind: 'readOnly' }, metrics.inflightReadOnly);
        this.set({ request_kind: 'mutating' }, metrics.inflightMutating);
      },
    });
    new Gauge({
      name: 'apiserver_storage_objects', registers: [registry], labelNames: ['resource'],
      help: '[STABLE] Number of stored objects at the time of last check split by kind.',
      collect() {
        this.reset();
        for (const [resource, count] of objectCounts()) this.set({ resource }, count);
      },
    });
  }

  /**
   * Counts a request in flight now and, when its response finishes, by code and latency. `query`
   * is the request's, as the server parsed it (parsing the URL again cost as much as the labels).
   */
  track(req: IncomingMessage, res: ServerResponse, ri: RequestInfo, query: URLSearchParams): void {
    const started = process.hrtime.bigint();
    const readOnly = READ_ONLY.has(ri.verb);
    if (readOnly) this.inflightReadOnly++; else this.inflightMutating++;
    const labels = requestLabels(req, ri, query);
    res.on('close', () => {
      if (readOnly) this.inflightReadOnly--; else this.inflightMutating--;
      this.requests.inc({ ...labels, code: String(res.statusCode) });
      // Watches and connections are long by design; upstream leaves them out of the latency too.
      if (ri.verb !== 'watch' && ri.verb !== 'connect') this.duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
  }
}

/** Upstream's cleaned labels: the reported verb (APPLY for server-side apply), dry run, and scope. */
export function requestLabels(req: IncomingMessage, ri: RequestInfo, query: URLSearchParams): RequestLabels {
  if (!ri.isResourceRequest) {
    return { verb: (req.method ?? 'GET').toUpperCase(), dry_run: '', group: '', version: '', resource: '', subresource: '', scope: '', component: 'apiserver' };
  }
  let verb = REPORTED_VERB[ri.verb] ?? ri.verb.toUpperCase();
  if (verb === 'PATCH' && req.headers['content-type']?.split(';')[0]?.trim() === 'application/apply-patch+yaml') verb = 'APPLY';
  const dryRun = query.getAll('dryRun').sort().join(',');
  const scope = ri.name || ri.verb === 'create' ? 'resource' : ri.namespace ? 'namespace' : 'cluster';
  return { verb, dry_run: dryRun, group: ri.group, version: ri.version, resource: ri.resource, subresource: ri.subresource, scope, component: 'apiserver' };
}
