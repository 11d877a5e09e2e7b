// The API objects the ingress controller reads, as the generated types joined with the generic
// object shape (so they flow through the Informer and RestClient unchanged).
import type { KubeObject, ObjectMeta } from '../api/object.js';
import type { EndpointSlice, Ingress, IngressClass, IngressSpec, Node, Secret, Service, ServiceSpec } from '../api/types/generated.js';

export type IngressObject = Omit<Ingress, 'metadata'> & KubeObject & { metadata: ObjectMeta; spec?: IngressSpec };
export type ServiceObject = Omit<Service, 'metadata'> & KubeObject & { metadata: ObjectMeta; spec?: ServiceSpec };
export type EndpointSliceObject = Omit<EndpointSlice, 'metadata'> & KubeObject & { metadata: ObjectMeta };
export type SecretObject = Omit<Secret, 'metadata'> & KubeObject & { metadata: ObjectMeta };
export type NodeObject = Omit<Node, 'metadata'> & KubeObject & { metadata: ObjectMeta };
export type IngressClassObject = Omit<IngressClass, 'metadata'> & KubeObject & { metadata: ObjectMeta };
