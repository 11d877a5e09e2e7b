// The API server's request series, with upstream's names, labels and buckets (what the
// kube-apiserver Grafana dashboards query): requests by verb/resource/scope/code, their latency,
// the requests in flight (the most during the last second, long-running ones apart), the
// long-running requests open now, the watch events sent, and the number of stored objects per resource.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, exponentialBuckets, Gauge, Histogram, type Registry } from '../metrics/registry.js';
import { isLongRunning } from './http/limits.js';
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

/** Counts the watch events sent together, one encoded line each (the size is the line's length). */
export type WatchEventRecorder = (lines: readonly Uint8Array[]) => void;

export class RequestMetrics {
  private readonly requests: Counter<string>;
  private readonly duration: Histogram<string>;
  private readonly longRunning: Gauge<string>;
  private readonly watchEvents: Counter<'group' | 'version' | 'kind'>;
  private readonly watchEventSizes: Histogram<'group' | 'version' | 'kind'>;
  private readonly inflightReadOnly = new Watermark();
  private readonly inflightMutating = new Watermark();
  /**
   * Requests finished since the counter was last read, by series and code. The counter catches up
   * when read (its collect), rather than hash its nine labels for every request that ends.
   */
  private readonly finished = new Map<string, { labels: RequestLabels; codes: Map<number, number> }>();

  /** @param objectCounts stored objects per resource ("pods", "deployments.apps"), read at scrape time. */
  constructor(registry: Registry, objectCounts: () => Map<string, number>) {
    const finished = this.finished;
    this.requests = new Counter({
      name: 'apiserver_request_total', registers: [registry], labelNames: [...REQUEST_LABELS, 'code'],
      help: '[STABLE] Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
      collect() {
        for (const { labels, codes } of finished.values()) {
          for (const [code, n] of codes) this.inc({ ...labels, code: String(code) }, n);
        }
        finished.clear();
      },
    });
    this.duration = new Histogram({
      name: 'apiserver_request_duration_seconds', registers: [registry], labelNames: [...REQUEST_LABELS], buckets: DURATION_BUCKETS,
      help: '[STABLE] Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.',
    });
    this.longRunning = new Gauge({
      name: 'apiserver_longrunning_requests', registers: [registry], labelNames: [...LONG_RUNNING_LABELS],
      help: '[STABLE] Gauge of all active long-running apiserver requests broken out by verb, group, version, resource, scope and component. Not all requests are tracked this way.',
    });
    this.watchEvents = new Counter({
      name: 'apiserver_watch_events_total', registers: [registry], labelNames: ['group', 'version', 'kind'],
      help: '[ALPHA] Number of events sent in watch clients',
    });
    this.watchEventSizes = new Histogram({
      name: 'apiserver_watch_events_sizes', registers: [registry], labelNames: ['group', 'version', 'kind'], buckets: exponentialBuckets(1024, 2, 8),
      help: '[ALPHA] Watch event size distribution in bytes',
    });
    const metrics = this;
    new Gauge({
      name: 'apiserver_current_inflight_requests', registers: [registry], labelNames: ['request_kind'],
      help: '[STABLE] Maximal number of currently used inflight request limit of this apiserver per request kind in last second.',
      collect() {
        this.set({ request_kind: 'readOnly' }, metrics.inflightReadOnly.lastSecond());
        this.set({ request_kind: 'mutating' }, metrics.inflightMutating.lastSecond());
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
   * Counts a request in flight now (long-running ones, such as watches and exec, as open
   * long-running requests instead) and, when its response finishes, by code and latency. `query`
   * is the request's, as the server parsed it (parsing the URL again cost as much as the labels).
   */
  track(req: IncomingMessage, res: ServerResponse, ri: RequestInfo, query: URLSearchParams): void {
    const started = process.hrtime.bigint();
    const labels = requestLabels(req, ri, query);
    // Upstream's inflight limits leave long-running requests out; its watch, exec, attach,
    // port-forward and proxy handlers count the resource ones as open long-running requests.
    const longRunning = isLongRunning(ri);
    const inflight = longRunning ? undefined : READ_ONLY.has(ri.verb) ? this.inflightReadOnly : this.inflightMutating;
    const open = longRunning && ri.isResourceRequest ? longRunningLabels(labels) : undefined;
    inflight?.add(1);
    if (open) this.longRunning.inc(open);
    res.on('close', () => {
      inflight?.add(-1);
      if (open) this.longRunning.dec(open);
      this.countFinished(labels, res.statusCode);
      // Every request, as upstream's MonitorRequest: a watch or a connection when it ends, for its
      // whole life (dashboards leave verb WATCH and CONNECT out of their latency panels).
      this.duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
  }

  private countFinished(labels: RequestLabels, code: number): void {
    const key = `${labels.verb} ${labels.dry_run} ${labels.group} ${labels.version} ${labels.resource} ${labels.subresource} ${labels.scope} ${labels.component}`;
    let series = this.finished.get(key);
    if (!series) this.finished.set(key, series = { labels, codes: new Map() });
    // Values from the URL may hold the key's spaces: another series that spells the same key is
    // counted at once instead.
    else if (!sameLabels(series.labels, labels)) return void this.requests.inc({ ...labels, code: String(code) });
    series.codes.set(code, (series.codes.get(code) ?? 0) + 1);
  }

  /** The recorder of one watch's events, labelled with the group, version and kind it serves. */
  watchEventsOf(group: string, version: string, kind: string): WatchEventRecorder {
    const labels = { group, version, kind };
    // The counter once per write (its labels are hashed on every call), the sizes one by one.
    const size = this.watchEventSizes.labels(labels);
    return lines => {
      this.watchEvents.inc(labels, lines.length);
      for (const line of lines) size.observe(line.length);
    };
  }
}

function sameLabels(a: RequestLabels, b: RequestLabels): boolean {
  for (const l of REQUEST_LABELS) if (a[l] !== b[l]) return false;
  return true;
}

const LONG_RUNNING_LABELS = ['verb', 'group', 'version', 'resource', 'subresource', 'scope', 'component'] as const;

function longRunningLabels(l: RequestLabels): Record<(typeof LONG_RUNNING_LABELS)[number], string> {
  return { verb: l.verb, group: l.group, version: l.version, resource: l.resource, subresource: l.subresource, scope: l.scope, component: l.component };
}

/**
 * A count of requests and the most it reached during the last whole second, as upstream's
 * watermark that its maintenance loop publishes and resets every second.
 */
export class Watermark {
  private current = 0;
  private second = 0;
  private peak = 0;
  private previousPeak = 0;

  constructor(private readonly now: () => number = Date.now) {}

  add(delta: number): void {
    this.roll();
    this.current += delta;
    if (this.current > this.peak) this.peak = this.current;
  }

  lastSecond(): number {
    this.roll();
    return this.previousPeak;
  }

  private roll(): void {
    const second = Math.floor(this.now() / 1000);
    if (second === this.second) return;
    // Seconds without a change peaked at the count that held through them.
    this.previousPeak = second === this.second + 1 ? this.peak : this.current;
    this.peak = this.current;
    this.second = second;
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
