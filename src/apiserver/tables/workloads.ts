// apps/v1 Deployments, ReplicaSets, StatefulSets, DaemonSets, ControllerRevisions and core
// ReplicationControllers.
import { ageCol, col, containersCol, imagesCol, nameCol } from './columns.js';
import { since } from './duration.js';
import { containerCells, formatLabelSelector, formatLabels, selectorString } from './format.js';
import type { Obj, Printer, TableColumnDefinition } from './types.js';

const name = (o: Obj): string => o.metadata?.name ?? '';
const age = (o: Obj, now: Date): string => since(o.metadata?.creationTimestamp, now);
const selectorCol = (description: string): TableColumnDefinition => col('Selector', description, { wide: true });
const SELECTOR_DOC = 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.';

export const deploymentPrinter: Printer = {
  columns: [
    nameCol(),
    col('Ready', 'Number of the pod with ready state'),
    col('Up-to-date', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
    col('Available', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
    ageCol(), containersCol(), imagesCol(), selectorCol(SELECTOR_DOC),
  ],
  cells(o, now) {
    const [names, images] = containerCells(o.spec?.template?.spec);
    // Deployments print the raw selector string: an empty selector is "", not "<none>".
    return [
      name(o), `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`, o.status?.updatedReplicas ?? 0, o.status?.availableReplicas ?? 0,
      age(o, now), names, images, selectorString(o.spec?.selector),
    ];
  },
};

const replicaColumns = (selectorDoc: string): TableColumnDefinition[] => [
  nameCol(),
  col('Desired', 'Replicas is the number of desired replicas.', { type: 'integer' }),
  col('Current', 'Replicas is the most recently observed number of replicas.', { type: 'integer' }),
  col('Ready', 'The number of ready replicas for this replica set.', { type: 'integer' }),
  ageCol(), containersCol(), imagesCol(), selectorCol(selectorDoc),
];

function replicaCells(o: Obj, now: Date, selector: string): (string | number)[] {
  const [names, images] = containerCells(o.spec?.template?.spec);
  return [name(o), o.spec?.replicas ?? 0, o.status?.replicas ?? 0, o.status?.readyReplicas ?? 0, age(o, now), names, images, selector];
}

export const replicaSetPrinter: Printer = {
  columns: replicaColumns('Selector is a label query over pods that should match the replica count.'),
  cells: (o, now) => replicaCells(o, now, formatLabelSelector(o.spec?.selector)),
};

// ReplicationControllers select with a plain label map rather than a LabelSelector.
export const replicationControllerPrinter: Printer = {
  columns: replicaColumns('Selector is a label query over pods that should match the Replicas count.'),
  cells: (o, now) => replicaCells(o, now, formatLabels(o.spec?.selector)),
};

export const statefulSetPrinter: Printer = {
  columns: [nameCol(), col('Ready', 'Number of the pod with ready state'), ageCol(), containersCol(), imagesCol()],
  cells(o, now) {
    const [names, images] = containerCells(o.spec?.template?.spec);
    return [name(o), `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`, age(o, now), names, images];
  },
};

export const daemonSetPrinter: Printer = {
  columns: [
    nameCol(),
    col('Desired', 'The total number of nodes that should be running the daemon pod.', { type: 'integer' }),
    col('Current', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.', { type: 'integer' }),
    col('Ready', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.', { type: 'integer' }),
    col('Up-to-date', 'The total number of nodes that are running updated daemon pod', { type: 'integer' }),
    col('Available', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.', { type: 'integer' }),
    col('Node Selector', 'NodeSelector is a selector which must be true for the pod to fit on a node.'),
    ageCol(), containersCol(), imagesCol(),
    selectorCol('A label query over pods that are managed by the daemon set.'),
  ],
  cells(o, now) {
    const s: Obj = o.status ?? {};
    const [names, images] = containerCells(o.spec?.template?.spec);
    return [
      name(o), s.desiredNumberScheduled ?? 0, s.currentNumberScheduled ?? 0, s.numberReady ?? 0, s.updatedNumberScheduled ?? 0,
      s.numberAvailable ?? 0, formatLabels(o.spec?.template?.spec?.nodeSelector), age(o, now), names, images, formatLabelSelector(o.spec?.selector),
    ];
  },
};

/** "statefulset.apps/web": the controller owner as lower-case kind.group/name. */
function controllerName(o: Obj): string {
  const ref = ((o.metadata?.ownerReferences ?? []) as Obj[]).find(r => r.controller === true);
  if (!ref) return '<none>';
  const apiVersion: string = ref.apiVersion ?? '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const kind: string = ref.kind ?? '';
  if (!group && !kind) return ref.name ?? '';
  return `${(group ? `${kind}.${group}` : kind).toLowerCase()}/${ref.name ?? ''}`;
}

export const controllerRevisionPrinter: Printer = {
  columns: [
    nameCol(),
    col('Controller', 'Controller of the object'),
    col('Revision', 'Revision indicates the revision of the state represented by Data.'),
    ageCol(),
  ],
  cells: (o, now) => [name(o), controllerName(o), o.revision ?? 0, age(o, now)],
};
