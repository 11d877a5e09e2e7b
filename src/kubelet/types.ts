// The API objects the kubelet reads, as the generated types joined with the generic object shape
// (so they flow through the Informer and RestClient unchanged).
import type { KubeObject, ObjectMeta } from '../api/object.js';
import type { ConfigMap, Container, Node, Pod, PodSpec, PodStatus, Secret, Service } from '../api/types/generated.js';

export type PodObject = Omit<Pod, 'metadata'> & KubeObject & { metadata: ObjectMeta; spec: PodSpec; status?: PodStatus };
export type ConfigMapObject = Omit<ConfigMap, 'metadata'> & KubeObject;
export type SecretObject = Omit<Secret, 'metadata'> & KubeObject;
export type NodeObject = Omit<Node, 'metadata'> & KubeObject;
export type ServiceObject = Omit<Service, 'metadata'> & KubeObject;

/** Pods are named `name_namespace(uid)` in kubelet messages, as upstream's format.Pod does. */
export const podDescription = (pod: PodObject) => `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;

/** A sidecar is an init container that keeps running (restartPolicy Always). */
export const isSidecar = (c: Container) => c.restartPolicy === 'Always';
