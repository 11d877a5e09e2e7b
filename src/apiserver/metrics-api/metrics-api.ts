// The resource metrics API (metrics.k8s.io/v1beta1) served by the API server itself, as k3s bundles
// metrics-server: NodeMetrics and PodMetrics (get, list; labelSelector, fieldSelector on
// metadata.name/namespace; Table for `kubectl get`), read from the usage the scraper keeps in
// memory. Nodes and pods (labels, phase) come from the server's own caches. Requests reach it
// through the aggregation layer, already authenticated and authorized, for the local APIService
// v1beta1.metrics.k8s.io.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MethodNotAllowedError, NotFoundError } from '../../api/errors.js';
import { METRICS_GROUP, METRICS_VERSION } from '../../api/resource-metrics.js';
import { FieldSelector, metadataFields } from '../../api/selectors/field-selector.js';
import { LabelSelector } from '../../api/selectors/label-selector.js';
import type { Node, Pod } from '../../api/types/generated.js';
import { resourceNotFound } from '../handlers/non-resource.js';
import { includeObjectParam } from '../handlers/render.js';
import { negotiate } from '../http/negotiate.js';
import { sendJson } from '../http/respond.js';
import { namespacePrefix } from '../registry/keys.js';
import type { Registry } from '../registry/registry.js';
import type { RequestInfo } from '../request-info.js';
import { buildTable } from '../tables/index.js';
import type { Printer } from '../tables/types.js';
import { nodeMetrics, nodeMetricsPrinter, podMetrics, podMetricsPrinter } from './metrics-objects.js';
import { metricsOpenAPIV2, metricsOpenAPIV3 } from './metrics-openapi.js';
import { ResourceScraper } from './scraper.js';
import { UsageStore } from './usage-store.js';

export interface ResourceMetricsAPIOptions {
  /** metrics-server's --metric-resolution: how often kubelets are scraped. */
  resolutionMs: number;
  /** A node's kubelet /metrics/resource, read within `timeoutMs`. */
  read: (node: Node, timeoutMs: number) => Promise<string>;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

const GROUP_VERSION = `${METRICS_GROUP}/${METRICS_VERSION}`;

/**
 * The APIResourceList entries: metrics-server's resource names `nodes` and `pods`, with no singular
 * name, so kubectl derives `nodemetrics` and `podmetrics` from the kinds (`kubectl get podmetrics`).
 */
const RESOURCES = [
  { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
  { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
];

export class ResourceMetricsAPI {
  readonly group = METRICS_GROUP;
  readonly version = METRICS_VERSION;
  /** metrics-server's APIService's groupPriorityMinimum and versionPriority: listed after every built-in group. */
  readonly priority = { group: 100, version: 100 };
  /** The documents metrics-server publishes through the aggregator. */
  readonly openapi = { v2: metricsOpenAPIV2, v3: metricsOpenAPIV3 };
  private readonly store = new UsageStore();
  private readonly scraper: ResourceScraper;

  constructor(private readonly registry: Registry, o: ResourceMetricsAPIOptions) {
    this.scraper = new ResourceScraper({ nodes: () => this.nodes(), read: o.read, store: this.store, resolutionMs: o.resolutionMs, log: o.log });
  }

  start(): void {
    this.scraper.start();
  }

  stop(): void {
    this.scraper.stop();
  }

  /** What discovery lists for the group-version. */
  resources(): Record<string, unknown>[] {
    return RESOURCES.map(r => ({ ...r }));
  }

  /** Serves `/apis/metrics.k8s.io/v1beta1[/...]`. */
  serve(req: IncomingMessage, res: ServerResponse, url: URL, ri: RequestInfo): void {
    if (!ri.isResourceRequest) {
      if (url.pathname.replace(/\/$/, '') !== `/apis/${GROUP_VERSION}`) throw resourceNotFound();
      return sendJson(res, 200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: GROUP_VERSION, resources: this.resources() });
    }
    if (!RESOURCES.some(r => r.name === ri.resource) || ri.subresource) throw resourceNotFound();
    if (ri.verb !== 'get' && ri.verb !== 'list') throw new MethodNotAllowedError('the server does not allow this method on the requested resource');
    const neg = negotiate(req.headers.accept, ['Table']);
    const q = url.searchParams;
    const now = new Date();
    const printer = ri.resource === 'nodes' ? nodeMetricsPrinter : podMetricsPrinter;
    const answer = (body: Record<string, unknown>, items: Record<string, unknown>[]) => {
      if (neg.transform === 'Table') return sendJson(res, 200, this.table(ri.resource, items, printer, q), neg.encoding);
      sendJson(res, 200, body, neg.encoding);
    };
    if (ri.verb === 'get') {
      const item = ri.resource === 'nodes' ? this.nodeMetrics(ri.name, now) : this.podMetrics(ri.namespace, ri.name, now);
      return answer(item, [item]);
    }
    const labels = LabelSelector.parse(q.get('labelSelector'));
    const fields = FieldSelector.parse(q.get('fieldSelector'));
    fields.check(metadataFields);
    const items = ri.resource === 'nodes' ? this.listNodeMetrics(labels, fields, now) : this.listPodMetrics(ri.namespace, labels, fields, now);
    const kind = ri.resource === 'nodes' ? 'NodeMetricsList' : 'PodMetricsList';
    answer({ kind, apiVersion: GROUP_VERSION, metadata: {}, items }, items);
  }

  private table(resource: string, items: Record<string, unknown>[], printer: Printer, q: URLSearchParams): unknown {
    return buildTable(METRICS_GROUP, resource, items, { printer, includeObject: includeObjectParam(q) });
  }

  private nodes(): Node[] {
    return this.registry.get('', 'nodes').cache.list().map(c => c.object as Node);
  }

  private pods(namespace: string): Pod[] {
    const pods = this.registry.get('', 'pods');
    return pods.cache.list(namespacePrefix(pods.info, namespace)).map(c => c.object as Pod);
  }

  private nodeMetrics(name: string, now: Date): Record<string, unknown> {
    const node = this.registry.get('', 'nodes').getCached('', name)?.object as Node | undefined;
    // metrics-server's listers answer for a missing object, naming the resource in the singular.
    if (!node) throw new NotFoundError({ group: '', resource: 'node', name });
    const usage = this.store.node(name);
    if (!usage) throw new NotFoundError({ group: METRICS_GROUP, resource: 'nodemetrics', name });
    return nodeMetrics(node, usage, now) as unknown as Record<string, unknown>;
  }

  private podMetrics(namespace: string, name: string, now: Date): Record<string, unknown> {
    const pod = this.registry.get('', 'pods').getCached(namespace, name)?.object as Pod | undefined;
    if (!pod) throw new NotFoundError({ group: '', resource: 'pod', name });
    const usage = pod.status?.phase === 'Running' ? this.store.pod(namespace, name) : undefined;
    if (!usage) throw new NotFoundError({ group: METRICS_GROUP, resource: 'podmetrics', name });
    return podMetrics(pod, usage, now) as unknown as Record<string, unknown>;
  }

  /** Nodes with metrics, by name. */
  private listNodeMetrics(labels: LabelSelector, fields: FieldSelector, now: Date): Record<string, unknown>[] {
    return this.nodes()
      .filter(n => labels.matches(n.metadata?.labels) && fields.matches(n, metadataFields))
      .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))
      .flatMap(n => {
        const usage = this.store.node(n.metadata?.name ?? '');
        return usage ? [nodeMetrics(n, usage, now) as unknown as Record<string, unknown>] : [];
      });
  }

  /** Running pods with metrics, by namespace then name (the order the API lists pods in). */
  private listPodMetrics(namespace: string, labels: LabelSelector, fields: FieldSelector, now: Date): Record<string, unknown>[] {
    const key = (p: Pod) => `${p.metadata?.namespace}/${p.metadata?.name}`;
    return this.pods(namespace)
      .filter(p => p.status?.phase === 'Running' && labels.matches(p.metadata?.labels) && fields.matches(p, metadataFields))
      .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
      .flatMap(p => {
        const usage = this.store.pod(p.metadata?.namespace ?? '', p.metadata?.name ?? '');
        return usage ? [podMetrics(p, usage, now) as unknown as Record<string, unknown>] : [];
      });
  }
}
