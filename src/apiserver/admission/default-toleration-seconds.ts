// DefaultTolerationSeconds admission, as upstream's plugin/pkg/admission/defaulttolerationseconds:
// a new pod that does not already tolerate the node lifecycle controller's NoExecute taints
// (not-ready, unreachable) gets a bounded toleration for each, so a node that stops reporting does
// not evict its pods at once but after a grace period (300 s unless the server flags say otherwise).
import type { KubeObject } from '../../api/object.js';
import { NOT_READY, UNREACHABLE } from '../../api/taints.js';
import type { PodSpec, Toleration } from '../../api/types/generated.js';
import { isPodCreate, type AdmissionAttributes, type AdmissionPlugin } from './types.js';

export interface DefaultTolerationSecondsOptions {
  notReadySeconds: number;
  unreachableSeconds: number;
}

export const DEFAULT_TOLERATION_SECONDS = 300;

export function defaultTolerationSeconds(options: DefaultTolerationSecondsOptions): AdmissionPlugin {
  return {
    name: 'DefaultTolerationSeconds',
    admit(a: AdmissionAttributes): void {
      if (!isPodCreate(a)) return;
      const spec = (a.object as KubeObject & { spec: PodSpec }).spec;
      const added: Toleration[] = [];
      if (!toleratesNoExecute(spec.tolerations, NOT_READY)) added.push(bounded(NOT_READY, options.notReadySeconds));
      if (!toleratesNoExecute(spec.tolerations, UNREACHABLE)) added.push(bounded(UNREACHABLE, options.unreachableSeconds));
      if (added.length) spec.tolerations = [...(spec.tolerations ?? []), ...added];
    },
  };
}

/**
 * Upstream's check, which looks only at key and effect: an empty key or effect counts as covering
 * the taint whatever the operator, so a pod with any say about these taints is left as it is.
 */
function toleratesNoExecute(tolerations: Toleration[] | undefined, key: string): boolean {
  return (tolerations ?? []).some(t => (!t.key || t.key === key) && (!t.effect || t.effect === 'NoExecute'));
}

function bounded(key: string, seconds: number): Toleration {
  return { key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds };
}
