// The OpenAPI of the resource metrics API (metrics.k8s.io/v1beta1), which metrics-server publishes
// through the aggregator and which is not in the kube-apiserver spec the rest of our documents come
// from: NodeMetrics, PodMetrics, their lists and ContainerMetrics under metrics-server's definition
// names, with the read paths the API serves. The aggregator merges the Swagger 2 document into
// /openapi/v2 and lists the OpenAPI 3 one in /openapi/v3, so `kubectl explain podmetrics` works.
import { openapiV3DocumentOf } from '../../api/openapi-docs.js';
import { METRICS_GROUP, METRICS_VERSION } from '../../api/resource-metrics.js';
import type { SchemaObject } from '../../api/schema.js';

const PREFIX = 'io.k8s.metrics.pkg.apis.metrics.v1beta1.';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const ref = (name: string): SchemaObject => ({ $ref: `#/definitions/${name}` });
const gvk = (kind: string) => [{ group: METRICS_GROUP, version: METRICS_VERSION, kind }];

const TYPE_META: Record<string, SchemaObject> = {
  apiVersion: { type: 'string', description: 'The versioned schema of this representation of an object (metrics.k8s.io/v1beta1).' },
  kind: { type: 'string', description: 'The REST resource this object represents. In CamelCase.' },
};

const USAGE: SchemaObject = {
  type: 'object',
  description: 'The resources used (cpu in cores, memory in bytes), averaged over the window that ends at the timestamp.',
  additionalProperties: ref('io.k8s.apimachinery.pkg.api.resource.Quantity'),
};

const SAMPLE_WINDOW: Record<string, SchemaObject> = {
  timestamp: { ...ref(`${META}Time`), description: 'The end of the window the usage was measured over: [timestamp-window, timestamp].' },
  window: { type: 'string', description: 'How long the usage was measured over, as a duration (e.g. 15.012s).' },
};

/** A `<kind>List`: list metadata and the items. */
const listOf = (kind: string): SchemaObject => ({
  type: 'object',
  description: `A list of ${kind}.`,
  required: ['items'],
  properties: { ...TYPE_META, metadata: ref(`${META}ListMeta`), items: { type: 'array', description: `The ${kind} objects.`, items: ref(`${PREFIX}${kind}`) } },
  'x-kubernetes-group-version-kind': gvk(`${kind}List`),
});

const DEFINITIONS: Record<string, SchemaObject> = {
  [`${PREFIX}NodeMetrics`]: {
    type: 'object',
    description: 'The resource usage of one node.',
    required: ['timestamp', 'window', 'usage'],
    properties: { ...TYPE_META, metadata: { ...ref(`${META}ObjectMeta`), description: 'The node\'s name, labels and creation time.' }, ...SAMPLE_WINDOW, usage: USAGE },
    'x-kubernetes-group-version-kind': gvk('NodeMetrics'),
  },
  [`${PREFIX}NodeMetricsList`]: listOf('NodeMetrics'),
  [`${PREFIX}PodMetrics`]: {
    type: 'object',
    description: 'The resource usage of one pod, container by container.',
    required: ['timestamp', 'window', 'containers'],
    properties: {
      ...TYPE_META, metadata: { ...ref(`${META}ObjectMeta`), description: 'The pod\'s name, namespace, labels and creation time.' }, ...SAMPLE_WINDOW,
      containers: { type: 'array', description: 'The usage of each of the pod\'s containers.', items: ref(`${PREFIX}ContainerMetrics`) },
    },
    'x-kubernetes-group-version-kind': gvk('PodMetrics'),
  },
  [`${PREFIX}PodMetricsList`]: listOf('PodMetrics'),
  [`${PREFIX}ContainerMetrics`]: {
    type: 'object',
    description: 'The resource usage of one container.',
    required: ['name', 'usage'],
    properties: { name: { type: 'string', description: 'The container\'s name, as in the pod\'s spec.' }, usage: USAGE },
  },
};

const BASE = `/apis/${METRICS_GROUP}/${METRICS_VERSION}`;
const NAME = { name: 'name', in: 'path', required: true, type: 'string', uniqueItems: true };
const NAMESPACE = { name: 'namespace', in: 'path', required: true, type: 'string', uniqueItems: true, description: 'object name and auth scope, such as for teams and projects' };
const SELECTORS = [
  { name: 'labelSelector', in: 'query', type: 'string', uniqueItems: true, description: 'A selector to restrict the list of returned objects by their labels.' },
  { name: 'fieldSelector', in: 'query', type: 'string', uniqueItems: true, description: 'A selector to restrict the list of returned objects by metadata.name or metadata.namespace.' },
];

/** A read operation: `action` get or list of `kind`, answered with definition `answer`. */
function read(action: 'get' | 'list', kind: string, answer: string, description: string, parameters: object[]) {
  return {
    get: {
      description,
      operationId: `${action === 'list' ? 'list' : 'read'}MetricsV1beta1${answer}`,
      parameters,
      produces: ['application/json'],
      responses: { 200: { description: 'OK', schema: ref(`${PREFIX}${answer}`) }, 401: { description: 'Unauthorized' } },
      schemes: ['https'],
      tags: ['metrics_v1beta1'],
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': { group: METRICS_GROUP, version: METRICS_VERSION, kind },
    },
  };
}

const PATHS: Record<string, unknown> = {
  [`${BASE}/nodes`]: read('list', 'NodeMetrics', 'NodeMetricsList', 'list the metrics of every node', SELECTORS),
  [`${BASE}/nodes/{name}`]: read('get', 'NodeMetrics', 'NodeMetrics', 'read the metrics of the specified node', [NAME]),
  [`${BASE}/pods`]: read('list', 'PodMetrics', 'PodMetricsList', 'list the metrics of running pods in all namespaces', SELECTORS),
  [`${BASE}/namespaces/{namespace}/pods`]: read('list', 'PodMetrics', 'PodMetricsList', 'list the metrics of running pods in a namespace', [NAMESPACE, ...SELECTORS]),
  [`${BASE}/namespaces/{namespace}/pods/{name}`]: read('get', 'PodMetrics', 'PodMetrics', 'read the metrics of the specified pod', [NAMESPACE, NAME]),
};

/** The Swagger 2 document metrics-server serves at /openapi/v2 (its metrics.k8s.io part). */
export function metricsOpenAPIV2(): Record<string, unknown> {
  return { swagger: '2.0', info: { title: 'metrics-server', version: METRICS_VERSION }, paths: PATHS, definitions: DEFINITIONS };
}

let v3: Buffer | undefined;

/** The OpenAPI 3 document of metrics.k8s.io/v1beta1 (what /openapi/v3/apis/metrics.k8s.io/v1beta1 answers). */
export function metricsOpenAPIV3(): Buffer {
  return (v3 ??= openapiV3DocumentOf(PATHS, DEFINITIONS));
}
