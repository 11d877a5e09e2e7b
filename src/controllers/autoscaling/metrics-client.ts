// The metrics APIs as the autoscaler asks them (upstream's rest metrics client): the resource
// metrics API for Resource and ContainerResource metrics, the custom metrics API (v1beta2) for
// Pods and Object metrics, the external metrics API for External ones. Each is served by whatever
// is registered for its group (an APIService), reached through the API server like any client.
import type { RestClient } from '../../client/rest-client.js';
import type { MetricSource, ObjectRef } from './metric-replicas.js';
import type { PodMetrics } from '../../api/resource-metrics.js';
import { errorMessage } from '../../util/error-message.js';
import { MetricsFetchError, milliOf, resourceMetricsOf } from './pod-metrics.js';
import type { ScaleTargets } from './scale-target.js';
import type { PodMetricsInfo } from './types.js';

const RESOURCE_METRICS = '/apis/metrics.k8s.io/v1beta1';
const CUSTOM_METRICS = '/apis/custom.metrics.k8s.io/v1beta2';
const EXTERNAL_METRICS = '/apis/external.metrics.k8s.io/v1beta1';
/** The window of a custom metric that states none (upstream's metricServerDefaultMetricWindow). */
const DEFAULT_WINDOW_MS = 60_000;

/** custom.metrics.k8s.io/v1beta2 MetricValue, as far as read (not in the OpenAPI the generated types come from). */
interface CustomMetricValue {
  describedObject: { name: string };
  timestamp: string;
  windowSeconds?: number;
  value: string | number;
}

/** external.metrics.k8s.io/v1beta1 ExternalMetricValue, as far as read. */
interface ExternalMetricValue {
  value: string | number;
}

/** `items` of a metrics list, or the error upstream gives for the API named. */
async function items<T>(api: string, fetch: () => Promise<{ items?: T[] }>): Promise<T[]> {
  let list: { items?: T[] };
  try {
    list = await fetch();
  } catch (err) {
    throw new MetricsFetchError(`unable to fetch metrics from ${api}: ${errorMessage(err)}`);
  }
  if (!list.items?.length) throw new MetricsFetchError(`no metrics returned from ${api}`);
  return list.items;
}

/** Query parameters, leaving out empty selectors as client-go does. */
const query = (q: Record<string, string>) => Object.fromEntries(Object.entries(q).filter(([, v]) => v !== ''));

/** The metric source of one HPA: its namespace and its target's pod selector. */
export function apiMetricSource(client: RestClient, targets: ScaleTargets, namespace: string, podSelector: string): MetricSource {
  const ns = encodeURIComponent(namespace);
  return {
    async resourceMetrics(resource, container) {
      const list = await items('resource metrics API', () => client.get<{ items?: PodMetrics[] }>(`${RESOURCE_METRICS}/namespaces/${ns}/pods`, query({ labelSelector: podSelector })));
      return resourceMetricsOf(list, resource, container);
    },
    async podsMetric(metric, metricSelector) {
      const path = `${CUSTOM_METRICS}/namespaces/${ns}/pods/*/${encodeURIComponent(metric)}`;
      const list = await items('custom metrics API', () => client.get<{ items?: CustomMetricValue[] }>(path, query({ labelSelector: podSelector, metricLabelSelector: metricSelector })));
      const out: PodMetricsInfo = new Map();
      for (const m of list) {
        const windowMs = m.windowSeconds !== undefined ? m.windowSeconds * 1000 : DEFAULT_WINDOW_MS;
        out.set(m.describedObject.name, { timestampMs: Date.parse(m.timestamp), windowMs, value: milliOf(m.value) });
      }
      return out;
    },
    async objectMetric(object: ObjectRef, metric, metricSelector) {
      let list: { items?: CustomMetricValue[] };
      try {
        const path = await objectMetricPath(client, targets, ns, object, metric);
        list = await client.get<{ items?: CustomMetricValue[] }>(path, query({ metricLabelSelector: metricSelector }));
      } catch (err) {
        throw new MetricsFetchError(`unable to fetch metrics from custom metrics API: ${errorMessage(err)}`);
      }
      const found = list.items ?? [];
      if (found.length !== 1) {
        throw new MetricsFetchError(`unable to fetch metrics from custom metrics API: the custom metrics API server returned ${found.length} results when we asked for exactly one`);
      }
      return milliOf(found[0].value);
    },
    async externalMetric(metric, metricSelector) {
      const path = `${EXTERNAL_METRICS}/namespaces/${ns}/${encodeURIComponent(metric)}`;
      const list = await items('external metrics API', () => client.get<{ items?: ExternalMetricValue[] }>(path, query({ labelSelector: metricSelector })));
      return list.map(m => milliOf(m.value));
    },
  };
}

/**
 * Where an object's custom metric is: its namespace's own metrics for a Namespace (whatever its
 * name: a reference never leaves the HPA's namespace), else the object under its group-qualified
 * resource ("services", "deployments.apps").
 */
async function objectMetricPath(client: RestClient, targets: ScaleTargets, ns: string, object: ObjectRef, metric: string): Promise<string> {
  const group = (object.apiVersion ?? '').includes('/') ? (object.apiVersion ?? '').split('/')[0] : '';
  if (object.kind === 'Namespace' && group === '') return `${CUSTOM_METRICS}/namespaces/${ns}/metrics/${encodeURIComponent(metric)}`;
  const resource = await targets.resourceOf(client, object);
  const qualified = resource.group ? `${resource.resource}.${resource.group}` : resource.resource;
  return `${CUSTOM_METRICS}/namespaces/${ns}/${qualified}/${encodeURIComponent(object.name)}/${encodeURIComponent(metric)}`;
}
