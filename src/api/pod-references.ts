// The objects a pod or a persistent volume names, as upstream's podutil.VisitPodSecretNames /
// VisitPodConfigmapNames and VisitPVSecretNames: what a kubelet running the pod must be able to
// read (the Node authorizer's graph and NodeRestriction are built on these).
import type { Container, EphemeralContainer, PersistentVolume, Pod, Volume } from './types/generated.js';

export interface PodReferences {
  secrets: Set<string>;
  configMaps: Set<string>;
  /** Claims of persistentVolumeClaim volumes and the `<pod>-<volume>` claims of ephemeral ones. */
  persistentVolumeClaims: Set<string>;
  serviceAccount?: string;
}

export function podReferences(pod: Pod): PodReferences {
  const refs: PodReferences = { secrets: new Set(), configMaps: new Set(), persistentVolumeClaims: new Set() };
  const spec = pod.spec;
  if (!spec) return refs;
  const add = (set: Set<string>, name: string | undefined) => { if (name) set.add(name); };
  refs.serviceAccount = spec.serviceAccountName || undefined;
  for (const s of spec.imagePullSecrets ?? []) add(refs.secrets, s.name);
  const containers: (Container | EphemeralContainer)[] = [...(spec.initContainers ?? []), ...spec.containers ?? [], ...(spec.ephemeralContainers ?? [])];
  for (const c of containers) {
    for (const from of c.envFrom ?? []) {
      add(refs.secrets, from.secretRef?.name);
      add(refs.configMaps, from.configMapRef?.name);
    }
    for (const e of c.env ?? []) {
      add(refs.secrets, e.valueFrom?.secretKeyRef?.name);
      add(refs.configMaps, e.valueFrom?.configMapKeyRef?.name);
    }
  }
  for (const v of spec.volumes ?? []) {
    add(refs.secrets, v.secret?.secretName);
    add(refs.configMaps, v.configMap?.name);
    for (const p of v.projected?.sources ?? []) {
      add(refs.secrets, p.secret?.name);
      add(refs.configMaps, p.configMap?.name);
    }
    add(refs.secrets, v.azureFile?.secretName);
    add(refs.secrets, v.cephfs?.secretRef?.name);
    add(refs.secrets, v.cinder?.secretRef?.name);
    add(refs.secrets, v.flexVolume?.secretRef?.name);
    add(refs.secrets, v.rbd?.secretRef?.name);
    add(refs.secrets, v.scaleIO?.secretRef?.name);
    add(refs.secrets, v.iscsi?.secretRef?.name);
    add(refs.secrets, v.storageos?.secretRef?.name);
    add(refs.secrets, v.csi?.nodePublishSecretRef?.name);
    add(refs.persistentVolumeClaims, volumeClaimName(pod, v));
  }
  return refs;
}

/**
 * The claim a pod volume uses: `persistentVolumeClaim.claimName`, or `<pod>-<volume>` for an
 * ephemeral volume (the claim the ephemeral-volume controller makes); undefined for other kinds.
 */
export function volumeClaimName(pod: { metadata?: { name?: string } }, v: Volume): string | undefined {
  if (v.persistentVolumeClaim) return v.persistentVolumeClaim.claimName || undefined;
  if (v.ephemeral && pod.metadata?.name) return `${pod.metadata.name}-${v.name}`;
  return undefined;
}

export interface SecretRef {
  namespace: string;
  name: string;
}

/** Secrets a persistent volume's source names; a reference without a namespace means the claim's. */
export function persistentVolumeSecrets(pv: PersistentVolume): SecretRef[] {
  const spec = pv.spec;
  if (!spec) return [];
  const claimNamespace = spec.claimRef?.namespace ?? '';
  const out: SecretRef[] = [];
  const add = (ref: { name?: string; namespace?: string } | undefined) => {
    if (ref?.name) out.push({ namespace: ref.namespace || claimNamespace, name: ref.name });
  };
  if (spec.azureFile) add({ name: spec.azureFile.secretName, namespace: spec.azureFile.secretNamespace ?? undefined });
  add(spec.cephfs?.secretRef);
  add(spec.cinder?.secretRef);
  add(spec.flexVolume?.secretRef);
  add(spec.rbd?.secretRef);
  add(spec.scaleIO?.secretRef);
  add(spec.iscsi?.secretRef);
  add(spec.storageos?.secretRef);
  const csi = spec.csi;
  if (csi) {
    add(csi.controllerPublishSecretRef);
    add(csi.nodeStageSecretRef);
    add(csi.nodePublishSecretRef);
    add(csi.controllerExpandSecretRef);
    add(csi.nodeExpandSecretRef);
  }
  return out.filter(r => r.namespace);
}
