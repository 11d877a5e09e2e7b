// The API objects the scheduler reads, as the generated types joined with the generic object shape
// (so they flow through the Informer and RestClient unchanged).
import type { KubeObject } from '../api/object.js';
import type { Node as NodeType, Pod as PodType } from '../api/types/generated.js';

export type {
  Container, LabelSelector as LabelSelectorSpec, PodAffinityTerm, PodSpec, Quantity, Taint, Toleration, TopologySpreadConstraint,
} from '../api/types/generated.js';

export type Pod = Omit<PodType, 'metadata'> & KubeObject;
export type Node = Omit<NodeType, 'metadata'> & KubeObject;

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export const podKeyOf = (pod: KubeObject) => `${pod.metadata.namespace}/${pod.metadata.name}`;
