// The API objects the cluster controllers read and write, as the generated types joined with the
// generic object shape (so they flow through the Informer and RestClient unchanged).
import type { KubeObject } from '../../api/object.js';
import type {
  Condition as MetaCondition, Lease as LeaseType, Node as NodeType, NodeCondition, Pod as PodType, PodCondition,
  PodTemplateSpec as PodTemplateSpecType, Service as ServiceType,
} from '../../api/types/generated.js';

export type {
  Container, LabelSelector as LabelSelectorSpec, ObjectReference, ServicePort, Taint, Toleration,
} from '../../api/types/generated.js';

export type Pod = Omit<PodType, 'metadata'> & KubeObject;
export type Node = Omit<NodeType, 'metadata'> & KubeObject;
export type Lease = Omit<LeaseType, 'metadata'> & KubeObject;
export type Service = Omit<ServiceType, 'metadata'> & KubeObject;
export type PodTemplateSpec = PodTemplateSpecType;

/**
 * A condition of any kind (PodCondition, NodeCondition, JobCondition, meta/v1 Condition, ...), as the
 * generic condition helpers handle them. lastProbeTime may be null: upstream writes a zero time so.
 */
export type Condition = Pick<PodCondition, 'type' | 'status' | 'reason' | 'message' | 'lastTransitionTime'>
  & Partial<Pick<NodeCondition, 'lastHeartbeatTime'> & Pick<MetaCondition, 'observedGeneration'>>
  & { lastProbeTime?: string | null };
