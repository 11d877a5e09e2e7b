// Server-side printing for `kubectl get`: objects of a resource become a meta.k8s.io/v1 Table
// with upstream's columns (wide columns have priority 1; kubectl shows them with -o wide).
import * as c from './cluster.js';
import { podPrinter } from './pods.js';
import * as s from './services.js';
import type { Printer, Table, TableRow } from './types.js';
import * as w from './workloads.js';

export { humanDuration } from './format.js';
export type { Table, TableColumnDefinition, TableRow } from './types.js';

type Obj = Record<string, any>;

const PRINTERS: Record<string, Printer> = {
  '/pods': podPrinter,
  '/services': s.servicePrinter,
  '/endpoints': s.endpointsPrinter,
  '/namespaces': c.namespacePrinter,
  '/nodes': c.nodePrinter,
  '/events': c.eventPrinter,
  '/configmaps': c.configMapPrinter,
  '/secrets': c.secretPrinter,
  '/serviceaccounts': c.serviceAccountPrinter,
  '/persistentvolumes': c.persistentVolumePrinter,
  '/persistentvolumeclaims': c.persistentVolumeClaimPrinter,
  '/replicationcontrollers': w.replicationControllerPrinter,
  'apps/deployments': w.deploymentPrinter,
  'apps/replicasets': w.replicaSetPrinter,
  'apps/statefulsets': w.statefulSetPrinter,
  'apps/daemonsets': w.daemonSetPrinter,
  'apps/controllerrevisions': w.controllerRevisionPrinter,
  'batch/jobs': w.jobPrinter,
  'batch/cronjobs': w.cronJobPrinter,
  'discovery.k8s.io/endpointslices': s.endpointSlicePrinter,
  'networking.k8s.io/ingresses': s.ingressPrinter,
  'networking.k8s.io/networkpolicies': s.networkPolicyPrinter,
  'coordination.k8s.io/leases': c.leasePrinter,
  'storage.k8s.io/storageclasses': c.storageClassPrinter,
  'policy/poddisruptionbudgets': c.pdbPrinter,
  'autoscaling/horizontalpodautoscalers': c.hpaPrinter,
  'scheduling.k8s.io/priorityclasses': c.priorityClassPrinter,
  'rbac.authorization.k8s.io/rolebindings': c.roleBindingPrinter,
  'rbac.authorization.k8s.io/clusterrolebindings': c.roleBindingPrinter,
  'events.k8s.io/events': c.eventPrinter,
};

export interface TableOptions {
  includeObject?: 'None' | 'Metadata' | 'Object';
  now?: Date;
  listMeta?: Table['metadata'];
}

export function buildTable(group: string, resource: string, objects: Obj[], opts: TableOptions = {}): Table {
  const printer = PRINTERS[`${group}/${resource}`] ?? c.defaultPrinter;
  const now = opts.now ?? new Date();
  const include = opts.includeObject ?? 'Metadata';
  const rows = objects.map(o => {
    const row: TableRow = { cells: printer.cells(group === 'events.k8s.io' ? fromEventsV1(o) : o, now) };
    if (include === 'Object') row.object = o;
    else if (include === 'Metadata') row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
    return row;
  });
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: opts.listMeta ?? {}, columnDefinitions: printer.columns, rows };
}

/** events.k8s.io Events name their fields differently; print them like core Events. */
function fromEventsV1(e: Obj): Obj {
  return {
    ...e,
    involvedObject: e.regarding,
    message: e.note,
    source: { component: e.reportingController, host: e.reportingInstance },
    count: e.series?.count ?? e.deprecatedCount,
    lastTimestamp: e.series?.lastObservedTime ?? e.deprecatedLastTimestamp,
    firstTimestamp: e.deprecatedFirstTimestamp,
  };
}
