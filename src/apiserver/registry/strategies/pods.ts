// Pods: created Pending with a QoS class, status written only by the kubelet through /status,
// graceful deletion for pods a node is running, and the field selectors the kubelet relies on.
import { coreDefaults } from '../../../api/defaults/core.js';
import type { DeleteOptions, KubeObject } from '../../../api/object.js';
import { coreWorkloadRules } from '../../../api/validation/core-workloads.js';
import { QuantityParseError, parseQuantity, scaledValue } from '../../../api/quantity.js';
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

const QOS_RESOURCES = ['cpu', 'memory'];

/**
 * Upstream's ComputePodQOS: BestEffort when no container asks for any cpu or memory; Guaranteed
 * when every container limits both and the pod's summed requests equal its summed limits, as
 * quantities (`1` and `1000m` are equal). This runs before defaults, so a request left out is the
 * limit, as defaulting will make it.
 */
export function qosClass(s: PodSpecLike): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const requests = new Map<string, bigint>();
  const limits = new Map<string, bigint>();
  const add = (sums: Map<string, bigint>, name: string, text: string | number | undefined): boolean => {
    const n = nanoUnits(text);
    if (n === undefined || n <= 0n) return false;
    sums.set(name, (sums.get(name) ?? 0n) + n);
    return true;
  };
  let guaranteed = true;
  for (const c of [...(s.containers ?? []), ...(s.initContainers ?? [])]) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    let limited = 0;
    for (const r of QOS_RESOURCES) {
      add(requests, r, req[r] ?? lim[r]);
      if (add(limits, r, lim[r])) limited++;
    }
    if (limited < QOS_RESOURCES.length) guaranteed = false;
  }
  if (!requests.size && !limits.size) return 'BestEffort';
  for (const [r, n] of requests) if (limits.get(r) !== n) guaranteed = false;
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

/** The exact value in nano-units (the parser's finest scale); undefined for what validation will reject. */
function nanoUnits(text: string | number | undefined): bigint | undefined {
  if (text === undefined) return undefined;
  try {
    return scaledValue(parseQuantity(text), -9);
  } catch (err) {
    if (err instanceof QuantityParseError) return undefined;
    throw err;
  }
}

export const podStrategy: ResourceStrategy = {
  defaults: coreDefaults.Pod,
  rules: coreWorkloadRules.Pod,
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
