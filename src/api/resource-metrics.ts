// The resource metrics API's kinds (metrics.k8s.io/v1beta1, k8s.io/metrics/pkg/apis/metrics/v1beta1):
// not in the kube-apiserver OpenAPI the generated types come from, since metrics-server serves them.
// The API server's metrics API writes them; the HorizontalPodAutoscaler and `kubectl top` read them.
import type { ObjectMeta } from './types/generated.js';

export const METRICS_GROUP = 'metrics.k8s.io';
export const METRICS_VERSION = 'v1beta1';

/** `cpu` and `memory` quantities. */
export type ResourceUsage = Record<'cpu' | 'memory', string>;

export interface NodeMetrics {
  kind: 'NodeMetrics';
  apiVersion: 'metrics.k8s.io/v1beta1';
  metadata: ObjectMeta;
  /** The end of the window the usage was measured over. */
  timestamp: string;
  /** A Go duration, e.g. `15.012s`. */
  window: string;
  usage: ResourceUsage;
}

export interface ContainerMetrics {
  name: string;
  usage: ResourceUsage;
}

export interface PodMetrics {
  kind: 'PodMetrics';
  apiVersion: 'metrics.k8s.io/v1beta1';
  metadata: ObjectMeta;
  timestamp: string;
  window: string;
  containers: ContainerMetrics[];
}
