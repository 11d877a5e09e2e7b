// A pod's QoS class, as upstream's qos helpers define it: ComputePodQOS from the containers'
// cpu and memory amounts (the API server records it in status.qosClass on create), and GetPodQOS,
// which the kubelet and the quota's BestEffort scope use: the recorded class, else the computed one.
import { QuantityParseError, parseQuantity, scaledValue } from './quantity.js';
import type { PodSpec } from './types/generated.js';

export const QOS_CLASSES = ['Guaranteed', 'Burstable', 'BestEffort'] as const;
export type QosClass = typeof QOS_CLASSES[number];

/** The resources the QoS class looks at (upstream's supported QoS compute resources). */
const QOS_RESOURCES = ['cpu', 'memory'];

/**
 * Upstream's ComputePodQOS: BestEffort when no container asks for any cpu or memory; Guaranteed
 * when every container limits both and the pod's summed requests equal its summed limits, as
 * quantities (`1` and `1000m` are equal). The API server runs it before defaults, so a request left
 * out is the limit, as defaulting will make it.
 */
export function computePodQos(s: Partial<PodSpec>): QosClass {
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

/** Upstream's GetPodQOS: the class the API server recorded, else computed from the spec. */
export function podQos(pod: { spec?: Partial<PodSpec>; status?: { qosClass?: string } }): QosClass {
  const q = pod.status?.qosClass;
  return (QOS_CLASSES as readonly string[]).includes(q ?? '') ? q as QosClass : computePodQos(pod.spec ?? {});
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
