// The cluster controllers of the controller manager (everything but the workload controllers).
import type { Controller } from '../types.js';
import { clusterRoleAggregationController } from './clusterrole-aggregation.js';
import { admissionPolicyStatusController } from './admission-policy-status.js';
import { cronJobController } from './cronjob.js';
import { disruptionController } from './disruption.js';
import { endpointsController } from './endpoints.js';
import { endpointSliceController } from './endpointslice.js';
import { garbageCollector } from './garbage-collector.js';
import { jobController } from './job.js';
import { namespaceController } from './namespace.js';
import { nodeIpamController } from './node-ipam.js';
import { nodeLifecycleController } from './node-lifecycle.js';
import type { NodeCollectorMetrics } from './node-collector-metrics.js';
import { resourceQuotaController } from './resource-quota.js';
import { rootCaPublisher } from './root-ca-publisher.js';
import { serviceLBController } from './service-lb.js';
import { serviceAccountController } from './serviceaccount.js';
import { taintEvictionController } from './taint-eviction.js';
import { ttlAfterFinishedController } from './ttl-after-finished.js';

export interface ClusterControllerOptions {
  /** Pod network split into per-node pod CIDRs (/24 each). */
  clusterCidr: string;
  /** PEM of the cluster CA, published as the kube-root-ca.crt ConfigMap. */
  caCert: string;
  /** Seconds without a node heartbeat before it is marked unknown (default 40). */
  nodeMonitorGracePeriodSeconds?: number;
  /** Run the built-in load balancer for LoadBalancer Services (default true; k3s's servicelb). */
  serviceLB?: boolean;
  /** Where the node lifecycle controller keeps its node_collector_* series; absent: none. */
  nodeCollectorMetrics?: NodeCollectorMetrics;
}

export function clusterControllers(opts: ClusterControllerOptions): Controller[] {
  return [
    namespaceController(),
    garbageCollector(),
    jobController(),
    ttlAfterFinishedController(),
    cronJobController(),
    endpointsController(),
    endpointSliceController(),
    serviceAccountController(),
    rootCaPublisher(opts.caCert),
    nodeLifecycleController(opts.nodeMonitorGracePeriodSeconds, opts.nodeCollectorMetrics),
    taintEvictionController(),
    nodeIpamController(opts.clusterCidr),
    resourceQuotaController(),
    disruptionController(),
    clusterRoleAggregationController(),
    admissionPolicyStatusController(),
    ...(opts.serviceLB === false ? [] : [serviceLBController()]),
  ];
}
