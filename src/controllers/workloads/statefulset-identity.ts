// A StatefulSet pod's stable identity: name `<set>-<ordinal>`, the pod-name and pod-index labels,
// hostname and subdomain for the governing Service, and its own PVCs `<claim>-<set>-<ordinal>`.
import type { OwnerReference } from '../../api/object.js';
import { CONTROLLER_REVISION_HASH_LABEL } from './controller-history.js';
import type { Volume } from '../../api/types/generated.js';
import type { PersistentVolumeClaim, Pod, PodSpec, StatefulSet } from './types.js';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

/** The ordinal of a pod of `set`, or -1 if the pod's name is not `<set>-<n>`. */
export function ordinalOf(set: StatefulSet, pod: Pod): number {
  const m = /^(.*)-(\d+)$/.exec(pod.metadata.name ?? '');
  return m && m[1] === set.metadata.name ? Number(m[2]) : -1;
}

export function startOrdinal(set: StatefulSet): number {
  return set.spec.ordinals?.start ?? 0;
}

/** Ordinals [start, start + replicas) are wanted; any other member is condemned. */
export function inOrdinalRange(set: StatefulSet, ordinal: number): boolean {
  const start = startOrdinal(set);
  return ordinal >= start && ordinal < start + (set.spec.replicas ?? 1);
}

export function podName(set: StatefulSet, ordinal: number): string {
  return `${set.metadata.name}-${ordinal}`;
}

export function claimName(claimTemplate: string, set: StatefulSet, ordinal: number): string {
  return `${claimTemplate}-${set.metadata.name}-${ordinal}`;
}

export function revisionOfPod(pod: Pod): string | undefined {
  return pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];
}

/** The PVCs pod `ordinal` needs, labelled with the template's and the selector's labels. */
export function claimsFor(set: StatefulSet, ordinal: number): PersistentVolumeClaim[] {
  return (set.spec.volumeClaimTemplates ?? []).map(t => ({
    apiVersion: 'v1', kind: 'PersistentVolumeClaim',
    metadata: {
      name: claimName(t.metadata.name!, set, ordinal),
      namespace: set.metadata.namespace,
      labels: { ...t.metadata.labels, ...set.spec.selector.matchLabels },
      ...(t.metadata.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
    },
    spec: structuredClone(t.spec ?? {}),
  }));
}

/** A new pod of `set` (whose template is the revision's) at `ordinal`, labelled with `revision`. */
export function newStatefulPod(set: StatefulSet, ordinal: number, revision: string, ref: OwnerReference): Pod {
  const meta = set.spec.template.metadata ?? {};
  const name = podName(set, ordinal);
  // A template without spec (validation forbids it) makes a pod the server refuses for having no containers.
  const spec: PodSpec = set.spec.template.spec ? structuredClone(set.spec.template.spec) : { containers: [] };
  spec.hostname = name;
  if (set.spec.serviceName) spec.subdomain = set.spec.serviceName;
  spec.volumes = withClaimVolumes(set, ordinal, spec.volumes ?? []);
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name,
      namespace: set.metadata.namespace,
      labels: { ...meta.labels, [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal), [CONTROLLER_REVISION_HASH_LABEL]: revision },
      ownerReferences: [ref],
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
    },
    spec,
  };
}

/** The template's volumes with one PVC volume per claim template (a claim wins over a same-named volume). */
function withClaimVolumes(set: StatefulSet, ordinal: number, volumes: Volume[]): Volume[] {
  const claims = set.spec.volumeClaimTemplates ?? [];
  if (!claims.length) return volumes;
  const names = new Set(claims.map(c => c.metadata.name));
  return [
    ...volumes.filter(v => !names.has(v.name)),
    ...claims.map(c => ({ name: c.metadata.name!, persistentVolumeClaim: { claimName: claimName(c.metadata.name!, set, ordinal) } })),
  ];
}

/** The identity labels are as they must be (the only identity a live pod can have fixed). */
export function identityMatches(set: StatefulSet, pod: Pod): boolean {
  const ord = ordinalOf(set, pod);
  return ord >= 0 && pod.metadata.labels?.[POD_NAME_LABEL] === pod.metadata.name && pod.metadata.labels?.[POD_INDEX_LABEL] === String(ord);
}

/**
 * Which revision a new pod at `ordinal` gets (upstream newVersionedStatefulSetPod): below the
 * partition it stays at the current revision, otherwise it takes the update revision.
 */
export function revisionForNewPod(set: StatefulSet, ordinal: number): 'current' | 'update' {
  const strategy = set.spec.updateStrategy;
  const type = strategy?.type ?? 'RollingUpdate';
  const partition = strategy?.rollingUpdate?.partition ?? 0;
  return type === 'RollingUpdate' && ordinal < partition ? 'current' : 'update';
}
