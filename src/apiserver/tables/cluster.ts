// Namespaces, Nodes, Events, ConfigMaps, Secrets, ServiceAccounts, Leases, storage, policy,
// autoscaling, RBAC bindings and priority classes.
import { since } from './format.js';
import { col, type Printer } from './types.js';

type Obj = Record<string, any>;

const age = (o: Obj, now: Date) => since(o.metadata.creationTimestamp, now);

export const namespacePrinter: Printer = {
  columns: [col('Name'), col('Status'), col('Age')],
  cells: (o, now) => [o.metadata.name, o.status?.phase ?? '', age(o, now)],
};

function nodeStatus(o: Obj): string {
  const ready = (o.status?.conditions ?? []).find((c: Obj) => c.type === 'Ready');
  const parts = [!ready ? 'Unknown' : ready.status === 'True' ? 'Ready' : ready.status === 'False' ? 'NotReady' : 'Unknown'];
  if (o.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

function nodeRoles(o: Obj): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries((o.metadata.labels ?? {}) as Record<string, string>)) {
    if (k.startsWith('node-role.kubernetes.io/')) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return roles.size ? [...roles].filter(Boolean).sort().join(',') : '<none>';
}

const address = (o: Obj, type: string) => (o.status?.addresses ?? []).find((a: Obj) => a.type === type)?.address ?? '<none>';

export const nodePrinter: Printer = {
  columns: [
    col('Name'), col('Status'), col('Roles'), col('Age'), col('Version'),
    col('Internal-IP', { wide: true }), col('External-IP', { wide: true }), col('OS-Image', { wide: true }),
    col('Kernel-Version', { wide: true }), col('Container-Runtime', { wide: true }),
  ],
  cells: (o, now) => {
    const info = o.status?.nodeInfo ?? {};
    return [
      o.metadata.name, nodeStatus(o), nodeRoles(o), age(o, now), info.kubeletVersion ?? '',
      address(o, 'InternalIP'), address(o, 'ExternalIP'), info.osImage || '<unknown>', info.kernelVersion || '<unknown>', info.containerRuntimeVersion || '<unknown>',
    ];
  },
};

export const eventPrinter: Printer = {
  columns: [
    col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Subobject', { wide: true }), col('Source', { wide: true }),
    col('Message'), col('First Seen', { wide: true }), col('Count', { wide: true }), col('Name', { wide: true }),
  ],
  cells: (o, now) => {
    const last = o.series?.lastObservedTime ?? o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp;
    const first = o.firstTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp;
    const io = o.involvedObject ?? {};
    const source = o.source?.component ? `${o.source.component}${o.source.host ? ', ' + o.source.host : ''}` : o.reportingComponent ?? '';
    return [
      since(last, now), o.type ?? '', o.reason ?? '', `${(io.kind ?? '').toLowerCase()}/${io.name ?? ''}`, io.fieldPath ?? '', source,
      (o.message ?? '').trim(), since(first, now), String(o.series?.count ?? o.count ?? 1), o.metadata.name,
    ];
  },
};

export const configMapPrinter: Printer = {
  columns: [col('Name'), col('Data', { type: 'integer' }), col('Age')],
  cells: (o, now) => [o.metadata.name, Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length, age(o, now)],
};

export const secretPrinter: Printer = {
  columns: [col('Name'), col('Type'), col('Data', { type: 'integer' }), col('Age')],
  cells: (o, now) => [o.metadata.name, o.type ?? '', Object.keys(o.data ?? {}).length, age(o, now)],
};

export const serviceAccountPrinter: Printer = {
  columns: [col('Name'), col('Secrets', { type: 'integer' }), col('Age')],
  cells: (o, now) => [o.metadata.name, (o.secrets ?? []).length, age(o, now)],
};

export const leasePrinter: Printer = {
  columns: [col('Name'), col('Holder'), col('Age')],
  cells: (o, now) => [o.metadata.name, o.spec?.holderIdentity ?? '', age(o, now)],
};

const accessModes = (modes: string[] | undefined) => (modes ?? []).map(m => ({ ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' } as Record<string, string>)[m] ?? m).join(',');

export const persistentVolumePrinter: Printer = {
  columns: [
    col('Name'), col('Capacity'), col('Access Modes'), col('Reclaim Policy'), col('Status'), col('Claim'), col('StorageClass'),
    col('VolumeAttributesClass'), col('Reason'), col('Age'), col('VolumeMode', { wide: true }),
  ],
  cells: (o, now) => {
    const claim = o.spec?.claimRef ? `${o.spec.claimRef.namespace}/${o.spec.claimRef.name}` : '';
    return [
      o.metadata.name, o.spec?.capacity?.storage ?? '', accessModes(o.spec?.accessModes), o.spec?.persistentVolumeReclaimPolicy ?? '',
      o.status?.phase ?? '', claim, o.spec?.storageClassName ?? '', o.spec?.volumeAttributesClassName || '<unset>', o.status?.reason ?? '',
      age(o, now), o.spec?.volumeMode ?? '<unset>',
    ];
  },
};

export const persistentVolumeClaimPrinter: Printer = {
  columns: [
    col('Name'), col('Status'), col('Volume'), col('Capacity'), col('Access Modes'), col('StorageClass'), col('VolumeAttributesClass'),
    col('Age'), col('VolumeMode', { wide: true }),
  ],
  cells: (o, now) => {
    const bound = o.status?.phase === 'Bound';
    return [
      o.metadata.name, o.status?.phase ?? '', o.spec?.volumeName ?? '', bound ? o.status?.capacity?.storage ?? '' : '',
      bound ? accessModes(o.status?.accessModes) : '', o.spec?.storageClassName ?? '', o.spec?.volumeAttributesClassName || '<unset>',
      age(o, now), o.spec?.volumeMode ?? '<unset>',
    ];
  },
};

export const storageClassPrinter: Printer = {
  columns: [col('Name'), col('Provisioner'), col('ReclaimPolicy'), col('VolumeBindingMode'), col('AllowVolumeExpansion', { type: 'boolean' }), col('Age')],
  cells: (o, now) => {
    const isDefault = o.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true';
    return [
      isDefault ? `${o.metadata.name} (default)` : o.metadata.name, o.provisioner ?? '', o.reclaimPolicy ?? 'Delete',
      o.volumeBindingMode ?? 'Immediate', o.allowVolumeExpansion ?? false, age(o, now),
    ];
  },
};

export const pdbPrinter: Printer = {
  columns: [col('Name'), col('Min Available'), col('Max Unavailable'), col('Allowed Disruptions', { type: 'integer' }), col('Age')],
  cells: (o, now) => [
    o.metadata.name, o.spec?.minAvailable !== undefined ? String(o.spec.minAvailable) : 'N/A',
    o.spec?.maxUnavailable !== undefined ? String(o.spec.maxUnavailable) : 'N/A', o.status?.disruptionsAllowed ?? 0, age(o, now),
  ],
};

export const hpaPrinter: Printer = {
  columns: [col('Name'), col('Reference'), col('Targets'), col('MinPods', { type: 'integer' }), col('MaxPods', { type: 'integer' }), col('Replicas', { type: 'integer' }), col('Age')],
  cells: (o, now) => {
    const ref = o.spec?.scaleTargetRef ?? {};
    const targets = (o.spec?.metrics ?? []).map((m: Obj) => {
      const current = (o.status?.currentMetrics ?? []).find((c: Obj) => c.type === m.type && c.resource?.name === m.resource?.name);
      if (m.type === 'Resource' && m.resource?.target?.averageUtilization !== undefined) {
        const cur = current?.resource?.current?.averageUtilization;
        return `${m.resource.name}: ${cur === undefined ? '<unknown>' : cur + '%'}/${m.resource.target.averageUtilization}%`;
      }
      return '<unknown>';
    });
    const v1Target = o.spec?.targetCPUUtilizationPercentage;
    const targetCell = targets.length ? targets.join(', ') : v1Target !== undefined ? `cpu: ${o.status?.currentCPUUtilizationPercentage ?? '<unknown>'}${o.status?.currentCPUUtilizationPercentage !== undefined ? '%' : ''}/${v1Target}%` : '<none>';
    return [o.metadata.name, `${ref.kind ?? ''}/${ref.name ?? ''}`, targetCell, o.spec?.minReplicas ?? 1, o.spec?.maxReplicas ?? 0, o.status?.currentReplicas ?? 0, age(o, now)];
  },
};

export const priorityClassPrinter: Printer = {
  columns: [col('Name'), col('Value', { type: 'integer' }), col('Global-Default', { type: 'boolean' }), col('Age'), col('PreemptionPolicy', { wide: true })],
  cells: (o, now) => [o.metadata.name, o.value ?? 0, o.globalDefault ?? false, age(o, now), o.preemptionPolicy ?? ''],
};

function subjects(o: Obj, kind: string): string {
  return (o.subjects ?? []).filter((s: Obj) => s.kind === kind).map((s: Obj) => (kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name)).join(', ');
}

export const roleBindingPrinter: Printer = {
  columns: [col('Name'), col('Role'), col('Age'), col('Users', { wide: true }), col('Groups', { wide: true }), col('ServiceAccounts', { wide: true })],
  cells: (o, now) => [o.metadata.name, `${o.roleRef?.kind ?? ''}/${o.roleRef?.name ?? ''}`, age(o, now), subjects(o, 'User'), subjects(o, 'Group'), subjects(o, 'ServiceAccount')],
};

/** Kinds with no printer of their own get upstream's default: NAME and CREATED AT. */
export const defaultPrinter: Printer = {
  columns: [col('Name'), col('Created At', { type: 'date', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' })],
  cells: o => [o.metadata.name, o.metadata.creationTimestamp ?? ''],
};
