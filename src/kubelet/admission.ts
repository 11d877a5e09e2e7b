// Whether the node takes a pod, as upstream's kubelet admission (GeneralPredicates) checks before it
// runs anything: the node's labels must match the pod's nodeSelector, and its allocatable resources
// (and pod count) must hold the pod beside the pods already admitted. A rejected pod fails with
// reason OutOf<resource> or NodeAffinity and the message "Pod was rejected: ...".
import { podRequests, toResourceList } from '../api/pod-resources.js';
import type { PodObject } from './types.js';

export interface Rejection { reason: string; message: string }

export interface NodeForAdmission {
  allocatable: Record<string, string | number>;
  /** Undefined while the Node object has not been read: selectors are not checked then. */
  labels?: Record<string, string>;
}

export function admit(pod: PodObject, admitted: PodObject[], node: NodeForAdmission): Rejection | undefined {
  for (const [k, v] of Object.entries(node.labels ? pod.spec.nodeSelector ?? {} : {})) {
    if (node.labels![k] !== v) return reject('NodeAffinity', "Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector");
  }
  const allocatable = toResourceList(node.allocatable);
  if (!allocatable.size) return undefined; // nothing known about the node yet: nothing to check against
  const maxPods = allocatable.get('pods');
  if (maxPods !== undefined && admitted.length + 1 > maxPods) return insufficient('pods', 1, admitted.length, maxPods);
  const used = new Map<string, number>();
  for (const p of admitted) for (const [k, v] of podRequests(p)) used.set(k, (used.get(k) ?? 0) + v);
  for (const [name, want] of podRequests(pod)) {
    const capacity = allocatable.get(name);
    if (capacity === undefined || want === 0) continue;
    const inUse = used.get(name) ?? 0;
    if (inUse + want > capacity) return insufficient(name, want, inUse, capacity);
  }
  return undefined;
}

function insufficient(resource: string, requested: number, used: number, capacity: number): Rejection {
  return reject(`OutOf${resource}`, `Node didn't have enough resource: ${resource}, requested: ${requested}, used: ${used}, capacity: ${capacity}`);
}

function reject(reason: string, message: string): Rejection {
  return { reason, message };
}
