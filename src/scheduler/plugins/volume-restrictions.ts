// VolumeRestrictions, the part of upstream's plugin that concerns claims: a claim with the
// ReadWriteOncePod access mode serves one pod in the whole cluster, so a pod asking for one that
// another (scheduled or assumed) pod already uses cannot go anywhere until that pod is gone. (The
// rest of upstream's plugin — GCE PD, AWS EBS, RBD and iSCSI disks mounted twice on a node — is for
// in-tree volume types this cluster does not mount.)
import { volumeClaimName } from '../../api/pod-references.js';
import { SKIP, unresolvable, type CycleState, type Handle, type Plugin, type Status } from '../framework.js';
import type { PodInfo } from '../pod-info.js';

const REASON_RWOP_CONFLICT = 'node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode';

function claimNames(pod: PodInfo['pod']): string[] {
  return (pod.spec?.volumes ?? []).flatMap(v => volumeClaimName(pod, v) ?? []);
}

export function volumeRestrictions(h: Handle): Plugin {
  return {
    name: 'VolumeRestrictions',
    events: ['AssignedPod', 'PersistentVolumeClaim'],
    preFilter(_s: CycleState, pod: PodInfo): Status | null {
      const ns = pod.namespace;
      const exclusive = claimNames(pod.pod).filter(name => h.volumes.claim(ns, name)?.spec?.accessModes?.includes('ReadWriteOncePod'));
      if (!exclusive.length) return SKIP;
      for (const node of h.cache.nodeList()) {
        for (const other of node.pods.values()) {
          if (other.key === pod.key || other.namespace !== ns) continue;
          if (claimNames(other.pod).some(name => exclusive.includes(name))) return unresolvable(REASON_RWOP_CONFLICT);
        }
      }
      return null;
    },
  };
}
