// A new pod from a controller's pod template: template labels, annotations and finalizers, the
// controllerRef, and a generated name `<prefix>-<5 random chars>` assigned by the API server.
import type { OwnerReference } from '../../api/object.js';
import type { Pod, PodTemplateSpec } from './types.js';

export function podFromTemplate(template: PodTemplateSpec, namespace: string, controllerRef: OwnerReference, namePrefix: string): Pod {
  const meta = template.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${namePrefix}-`,
      namespace,
      labels: { ...meta.labels },
      ownerReferences: [controllerRef],
    },
    // A template without spec (validation forbids it) makes a pod the server refuses for having no containers.
    spec: template.spec ? structuredClone(template.spec) : { containers: [] },
  };
  if (meta.annotations) pod.metadata.annotations = { ...meta.annotations };
  if (meta.finalizers) pod.metadata.finalizers = [...meta.finalizers];
  return pod;
}
