// Pods: created Pending with a QoS class, status written only by the kubelet through /status,
// graceful deletion for pods a node is running, and the field selectors the kubelet relies on.
import type { DeleteOptions, KubeObject } from '../../../api/object.js';
import type { PodSpec, PodStatus } from '../../../api/types/generated.js';
import type { FieldGetter } from '../../selectors/field-selector.js';
import type { ResourceStrategy } from '../strategy.js';

// The generated types, with every field optional: a spec is read here before validation has run.
type PodSpecLike = Partial<PodSpec>;

const spec = (o: Record<string, any>): PodSpecLike => o.spec ?? {};
const status = (o: Record<string, any>): PodStatus => o.status ?? {};

export const podFieldSelectors: Record<string, FieldGetter> = {
  'spec.nodeName': o => spec(o).nodeName,
  'spec.restartPolicy': o => spec(o).restartPolicy,
  'spec.schedulerName': o => spec(o).schedulerName,
  'spec.serviceAccountName': o => spec(o).serviceAccountName,
  'spec.hostNetwork': o => String(spec(o).hostNetwork ?? false),
  'status.phase': o => status(o).phase,
  'status.podIP': o => status(o).podIP,
  'status.podIPs': o => status(o).podIPs?.[0]?.ip,
  'status.nominatedNodeName': o => status(o).nominatedNodeName,
};

/** Guaranteed when every container has equal cpu+memory requests and limits; BestEffort when none has any. */
export function qosClass(s: PodSpecLike): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const all = [...(s.containers ?? []), ...(s.initContainers ?? [])];
  let any = false;
  let guaranteed = all.length > 0;
  for (const c of all) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const r of ['cpu', 'memory']) {
      if (lim[r] === undefined || (req[r] !== undefined && req[r] !== lim[r])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export const podStrategy: ResourceStrategy = {
  fieldSelectors: podFieldSelectors,
  prepareForCreate(obj) {
    obj.status = { phase: 'Pending', qosClass: qosClass(spec(obj)) };
  },
  prepareForUpdate(obj, old) {
    obj.status = old.status;
  },
  gracePeriodSeconds(pod: KubeObject, options: DeleteOptions): number {
    // A pod no node runs, or one that has finished, has nothing to wait for.
    if (!spec(pod).nodeName) return 0;
    const phase = status(pod).phase;
    if (phase === 'Succeeded' || phase === 'Failed') return 0;
    return options.gracePeriodSeconds ?? spec(pod).terminationGracePeriodSeconds ?? 30;
  },
};
