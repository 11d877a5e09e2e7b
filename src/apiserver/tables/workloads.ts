// apps/v1 workloads, ReplicationControllers and batch/v1 Jobs and CronJobs.
import { containersAndImages, formatLabels, formatSelector, since } from './format.js';
import { col, type Printer } from './types.js';

type Obj = Record<string, any>;

const wideTemplate = [col('Containers', { wide: true }), col('Images', { wide: true }), col('Selector', { wide: true })];

function templateCells(o: Obj, selector: string): unknown[] {
  const [names, images] = containersAndImages(o.spec?.template?.spec);
  return [names, images, selector];
}

export const deploymentPrinter: Printer = {
  columns: [col('Name'), col('Ready'), col('Up-to-date', { type: 'integer' }), col('Available', { type: 'integer' }), col('Age'), ...wideTemplate],
  cells: (o, now) => [
    o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`, o.status?.updatedReplicas ?? 0, o.status?.availableReplicas ?? 0,
    since(o.metadata.creationTimestamp, now), ...templateCells(o, formatSelector(o.spec?.selector)),
  ],
};

export const replicaSetPrinter: Printer = {
  columns: [col('Name'), col('Desired', { type: 'integer' }), col('Current', { type: 'integer' }), col('Ready', { type: 'integer' }), col('Age'), ...wideTemplate],
  cells: (o, now) => [
    o.metadata.name, o.spec?.replicas ?? 0, o.status?.replicas ?? 0, o.status?.readyReplicas ?? 0,
    since(o.metadata.creationTimestamp, now), ...templateCells(o, formatSelector(o.spec?.selector)),
  ],
};

export const replicationControllerPrinter: Printer = {
  columns: replicaSetPrinter.columns,
  cells: (o, now) => [
    o.metadata.name, o.spec?.replicas ?? 0, o.status?.replicas ?? 0, o.status?.readyReplicas ?? 0,
    since(o.metadata.creationTimestamp, now), ...templateCells(o, formatLabels(o.spec?.selector)),
  ],
};

export const statefulSetPrinter: Printer = {
  columns: [col('Name'), col('Ready'), col('Age'), col('Containers', { wide: true }), col('Images', { wide: true })],
  cells: (o, now) => {
    const [names, images] = containersAndImages(o.spec?.template?.spec);
    return [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`, since(o.metadata.creationTimestamp, now), names, images];
  },
};

export const daemonSetPrinter: Printer = {
  columns: [
    col('Name'), col('Desired', { type: 'integer' }), col('Current', { type: 'integer' }), col('Ready', { type: 'integer' }),
    col('Up-to-date', { type: 'integer' }), col('Available', { type: 'integer' }), col('Node Selector'), col('Age'), ...wideTemplate,
  ],
  cells: (o, now) => [
    o.metadata.name, o.status?.desiredNumberScheduled ?? 0, o.status?.currentNumberScheduled ?? 0, o.status?.numberReady ?? 0,
    o.status?.updatedNumberScheduled ?? 0, o.status?.numberAvailable ?? 0, formatLabels(o.spec?.template?.spec?.nodeSelector),
    since(o.metadata.creationTimestamp, now), ...templateCells(o, formatSelector(o.spec?.selector)),
  ],
};

function jobStatus(o: Obj): string {
  const conds: Obj[] = o.status?.conditions ?? [];
  const has = (t: string) => conds.some(c => c.type === t && c.status === 'True');
  if (has('Complete')) return 'Complete';
  if (has('Failed')) return 'Failed';
  if (o.metadata?.deletionTimestamp) return 'Terminating';
  if (has('FailureTarget')) return 'FailureTarget';
  if (has('SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  if (has('Suspended')) return 'Suspended';
  return 'Running';
}

export const jobPrinter: Printer = {
  columns: [col('Name'), col('Status'), col('Completions'), col('Duration'), col('Age'), ...wideTemplate],
  cells: (o, now) => {
    const completions = o.spec?.completions !== undefined && o.spec?.completions !== null
      ? `${o.status?.succeeded ?? 0}/${o.spec.completions}`
      : `${o.status?.succeeded ?? 0}/1 of ${o.spec?.parallelism ?? 1}`;
    const start = o.status?.startTime;
    const end = o.status?.completionTime;
    const duration = !start ? '' : end ? since(start, new Date(end)) : since(start, now);
    return [o.metadata.name, jobStatus(o), completions, duration, since(o.metadata.creationTimestamp, now), ...templateCells(o, formatSelector(o.spec?.selector))];
  },
};

export const cronJobPrinter: Printer = {
  columns: [
    col('Name'), col('Schedule'), col('Timezone'), col('Suspend', { type: 'boolean' }), col('Active', { type: 'integer' }), col('Last Schedule'), col('Age'),
    col('Containers', { wide: true }), col('Images', { wide: true }), col('Selector', { wide: true }),
  ],
  cells: (o, now) => {
    const [names, images] = containersAndImages(o.spec?.jobTemplate?.spec?.template?.spec);
    return [
      o.metadata.name, o.spec?.schedule ?? '', o.spec?.timeZone || '<none>', o.spec?.suspend ?? false, (o.status?.active ?? []).length,
      o.status?.lastScheduleTime ? since(o.status.lastScheduleTime, now) : '<none>', since(o.metadata.creationTimestamp, now),
      names, images, formatSelector(o.spec?.jobTemplate?.spec?.selector),
    ];
  },
};

export const controllerRevisionPrinter: Printer = {
  columns: [col('Name'), col('Controller'), col('Revision', { type: 'integer' }), col('Age')],
  cells: (o, now) => {
    const owner = (o.metadata.ownerReferences ?? []).find((r: Obj) => r.controller);
    const controller = owner ? `${owner.kind.toLowerCase()}.${owner.apiVersion.split('/')[0]}/${owner.name}` : '<none>';
    return [o.metadata.name, controller, o.revision ?? 0, since(o.metadata.creationTimestamp, now)];
  },
};
