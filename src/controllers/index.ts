// Every built-in controller, as run by `k8ts server` and `k8ts controller-manager`.
import { DEFAULT_HPA_OPTIONS, horizontalPodAutoscalerController, type HorizontalPodAutoscalerOptions } from './autoscaling/horizontal-pod-autoscaler.js';
import { certificateControllers, type CertificateControllerOptions } from './certificates/index.js';
import { clusterControllers } from './cluster/index.js';
import { csiControllers } from './csi/index.js';
import type { DriverEndpoints } from './csi/driver-endpoints.js';
import { storageControllers } from './storage/index.js';
import type { Controller } from './types.js';
import type { NodeCollectorMetrics } from './cluster/node-collector-metrics.js';
import { workloadControllers } from './workloads/index.js';

export interface ControllerOptions extends CertificateControllerOptions {
  clusterCidr: string;
  caCert: string;
  nodeMonitorGracePeriodSeconds?: number;
  serviceLB?: boolean;
  /** The CSI driver sockets this controller manager reaches (its machine's kubelet plugins dir); none: attach-detach only. */
  csiDrivers?: DriverEndpoints;
  /** Where the node lifecycle controller keeps its node_collector_* series; absent: none. */
  nodeCollectorMetrics?: NodeCollectorMetrics;
  /** The horizontal pod autoscaler's --horizontal-pod-autoscaler-* settings (default: upstream's). */
  horizontalPodAutoscaler?: HorizontalPodAutoscalerOptions;
}

export function allControllers(opts: ControllerOptions): Controller[] {
  return [...workloadControllers, ...clusterControllers(opts), ...storageControllers, ...certificateControllers(opts), ...csiControllers(opts.csiDrivers),
    horizontalPodAutoscalerController(opts.horizontalPodAutoscaler ?? DEFAULT_HPA_OPTIONS)];
}
