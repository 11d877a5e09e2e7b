// Which claims the ephemeral-volume controller creates for a pod: one per `ephemeral` volume,
// named `<pod>-<volume>`, with the template's labels, annotations and spec, controlled by the pod.
import type { PersistentVolumeClaim } from '../../api/volume-binding.js';
import type { Pod } from '../workloads/types.js';
import { isClaimForPod } from './protection-plan.js';

export interface EphemeralClaimStep {
  volume: string;
  /** The claim to create, when it does not exist yet. */
  claim?: PersistentVolumeClaim;
  /** Why the volume cannot get its claim: a namesake the pod does not own. */
  error?: string;
}

export function ephemeralClaimsToCreate(pod: Pod, existing: (name: string) => PersistentVolumeClaim | undefined): EphemeralClaimStep[] {
  const steps: EphemeralClaimStep[] = [];
  for (const v of pod.spec?.volumes ?? []) {
    const template = v.ephemeral?.volumeClaimTemplate;
    if (!template) continue;
    const name = `${pod.metadata.name}-${v.name}`;
    const found = existing(name);
    if (found) {
      if (!isClaimForPod(pod, found)) steps.push({ volume: v.name, error: `PVC ${pod.metadata.namespace}/${name} was not created for pod ${pod.metadata.namespace}/${pod.metadata.name} (pod is not owner)` });
      continue;
    }
    steps.push({
      volume: v.name,
      claim: {
        apiVersion: 'v1', kind: 'PersistentVolumeClaim',
        metadata: {
          name, namespace: pod.metadata.namespace,
          ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name!, uid: pod.metadata.uid!, controller: true, blockOwnerDeletion: true }],
          ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
          ...(template.metadata?.labels ? { labels: { ...template.metadata.labels } } : {}),
        },
        spec: structuredClone(template.spec),
      },
    });
  }
  return steps;
}
