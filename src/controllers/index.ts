// Every built-in controller, as run by `k8ts server` and `k8ts controller-manager`.
import { certificateControllers, type CertificateControllerOptions } from './certificates/index.js';
import { clusterControllers } from './cluster/index.js';
import { storageControllers } from './storage/index.js';
import type { Controller } from './types.js';
import { workloadControllers } from './workloads/index.js';

export interface ControllerOptions extends CertificateControllerOptions {
  clusterCidr: string;
  caCert: string;
  nodeMonitorGracePeriodSeconds?: number;
  serviceLB?: boolean;
}

export function allControllers(opts: ControllerOptions): Controller[] {
  return [...workloadControllers, ...clusterControllers(opts), ...storageControllers, ...certificateControllers(opts)];
}
