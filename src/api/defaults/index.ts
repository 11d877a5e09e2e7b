// applyDefaults: upstream's SetDefaults_* for every served kind, applied in place before admission
// and validation. policy/v1 and certificates.k8s.io/v1 have no defaulters upstream.
import { admissionDefaults } from './admissionregistration.js';
import { appsDefaults } from './apps.js';
import { autoscalingDefaults } from './autoscaling.js';
import { batchDefaults } from './batch.js';
import { coreDefaults } from './core.js';
import { discoveryDefaults } from './discovery.js';
import { networkingDefaults } from './networking.js';
import { rbacDefaults } from './rbac.js';
import { schedulingDefaults } from './scheduling.js';
import { storageDefaults } from './storage.js';
import type { Defaulter, Obj } from './types.js';

const byGroup: Record<string, Record<string, Defaulter>> = {
  '': coreDefaults,
  apps: appsDefaults,
  batch: batchDefaults,
  autoscaling: autoscalingDefaults,
  'networking.k8s.io': networkingDefaults,
  'rbac.authorization.k8s.io': rbacDefaults,
  'storage.k8s.io': storageDefaults,
  'discovery.k8s.io': discoveryDefaults,
  'scheduling.k8s.io': schedulingDefaults,
  'admissionregistration.k8s.io': admissionDefaults,
};

export function applyDefaults(group: string, version: string, kind: string, obj: Obj): void {
  byGroup[group]?.[kind]?.(obj, version);
}
