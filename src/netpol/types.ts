// The API objects the network policy enforcer reads, as the generated types joined with the generic
// object shape (so they flow through the Informer unchanged).
import type { KubeObject, ObjectMeta } from '../api/object.js';
import type { Namespace, NetworkPolicy, NetworkPolicySpec, Pod, PodSpec, PodStatus } from '../api/types/generated.js';

export type NetworkPolicyObject = Omit<NetworkPolicy, 'metadata'> & KubeObject & { metadata: ObjectMeta; spec?: NetworkPolicySpec };
export type PodObject = Omit<Pod, 'metadata'> & KubeObject & { metadata: ObjectMeta; spec?: PodSpec; status?: PodStatus };
export type NamespaceObject = Omit<Namespace, 'metadata'> & KubeObject & { metadata: ObjectMeta };
