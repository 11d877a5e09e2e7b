// Pods: created Pending with a QoS class, status written only by the kubelet through /status,
// graceful deletion for pods a node is running, and the field selectors the kubelet relies on.
import { coreDefaults } from '../../../api/defaults/core.js';
import type { DeleteOptions, KubeObject } from '../../../api/object.js';
import { coreWorkloadRules } from '../../../api/validation/core-workloads.js';
import { computePodQos } from '../../../api/pod-qos.js';
import type { FieldGetter } from '../../../api/selectors/field-selector.js';
import type { PodSpec, PodStatus } from '../../../api/types/generated.js';
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

export const podStrategy: ResourceStrategy = {
  defaults: coreDefaults.Pod,
  rules: coreWorkloadRules.Pod,
  fieldSelectors: podFieldSelectors,
  prepareForCreate(obj) {
    obj.status = { phase: 'Pending', qosClass: computePodQos(spec(obj)) };
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
