// Validation entry points the generic store calls on every create and update: ObjectMeta rules
// for every kind, then the kind's own (upstream's ValidateX and ValidateXUpdate).
import type { FieldError } from '../errors.js';
import { appsRules } from './apps.js';
import { batchRules } from './batch.js';
import { clusterRules } from './cluster.js';
import { configMapRules, secretRules } from './config.js';
import { coreEventRules, eventsV1Rules, leaseRules } from './coordination-events.js';
import { coreWorkloadRules } from './core-workloads.js';
import { endpointSliceRules } from './discovery.js';
import { dns1123Subdomain } from './names.js';
import { networkingRules } from './networking.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import { hpaRules, pdbRules } from './policy.js';
import { rbacRules } from './rbac.js';
import { priorityClassRules } from './scheduling.js';
import { serviceRules } from './service.js';
import type { KindRules, Obj } from './types.js';

export interface ValidationOptions {
  namespaced: boolean;
}

const byGroup: Record<string, Record<string, KindRules>> = {
  '': { ...coreWorkloadRules, ...clusterRules, Service: serviceRules, ConfigMap: configMapRules, Secret: secretRules, Event: coreEventRules },
  apps: appsRules,
  batch: batchRules,
  autoscaling: { HorizontalPodAutoscaler: hpaRules },
  policy: { PodDisruptionBudget: pdbRules },
  'networking.k8s.io': networkingRules,
  'rbac.authorization.k8s.io': rbacRules,
  'scheduling.k8s.io': { PriorityClass: priorityClassRules },
  'coordination.k8s.io': { Lease: leaseRules },
  'events.k8s.io': { Event: eventsV1Rules },
  'discovery.k8s.io': { EndpointSlice: endpointSliceRules },
};

function rulesFor(group: string, kind: string): KindRules {
  return byGroup[group]?.[kind] ?? {};
}

export function validateCreate(group: string, _version: string, kind: string, obj: Obj, opts: ValidationOptions): FieldError[] {
  const rules = rulesFor(group, kind);
  return [
    ...validateObjectMeta(obj.metadata, opts.namespaced, rules.name ?? dns1123Subdomain),
    ...(rules.validate?.(obj) ?? []),
  ];
}

export function validateUpdate(group: string, _version: string, kind: string, obj: Obj, old: Obj, opts: ValidationOptions): FieldError[] {
  const rules = rulesFor(group, kind);
  return [
    ...validateObjectMeta(obj.metadata, opts.namespaced, rules.name ?? dns1123Subdomain),
    ...validateObjectMetaUpdate(obj.metadata, old.metadata),
    ...(rules.validate?.(obj, old) ?? []),
    ...(rules.validateUpdate?.(obj, old) ?? []),
  ];
}
