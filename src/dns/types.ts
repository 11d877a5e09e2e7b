// The API objects the cluster DNS reads, as the generated types joined with the generic object
// shape (so they flow through the Informer unchanged).
import type { KubeObject } from '../api/object.js';
import type { EndpointSlice, Namespace, Service } from '../api/types/generated.js';

export type ServiceObject = Omit<Service, 'metadata'> & KubeObject;
export type EndpointSliceObject = Omit<EndpointSlice, 'metadata'> & KubeObject;
export type NamespaceObject = Omit<Namespace, 'metadata'> & KubeObject;
