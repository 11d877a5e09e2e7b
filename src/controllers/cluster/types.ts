// The fields of the kinds the cluster controllers read and write. Only what the controllers touch
// is typed; everything else passes through untouched.
import type { KubeObject, ObjectMeta } from '../../api/object.js';

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: string;
  status: ConditionStatus;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastProbeTime?: string | null;
  lastHeartbeatTime?: string;
  observedGeneration?: number;
}

export interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface ContainerPort { name?: string; containerPort: number; protocol?: string }
export interface ResourceRequirements { requests?: Record<string, string>; limits?: Record<string, string> }
export interface Container {
  name: string;
  ports?: ContainerPort[];
  resources?: ResourceRequirements;
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  [k: string]: unknown;
}

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
export interface Taint { key: string; value?: string; effect: TaintEffect; timeAdded?: string }
export interface Toleration { key?: string; operator?: 'Exists' | 'Equal'; value?: string; effect?: TaintEffect | ''; tolerationSeconds?: number }

export interface PodSpec {
  nodeName?: string;
  hostname?: string;
  subdomain?: string;
  restartPolicy?: string;
  activeDeadlineSeconds?: number;
  tolerations?: Toleration[];
  containers: Container[];
  initContainers?: Container[];
  overhead?: Record<string, string>;
  priorityClassName?: string;
  [k: string]: unknown;
}

export interface ContainerStatus {
  name: string;
  ready?: boolean;
  state?: { terminated?: { exitCode: number; reason?: string; finishedAt?: string }; [k: string]: unknown };
}

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

export interface Pod extends KubeObject {
  spec: PodSpec;
  status?: {
    phase?: PodPhase;
    conditions?: Condition[];
    podIP?: string;
    podIPs?: { ip: string }[];
    containerStatuses?: ContainerStatus[];
    startTime?: string;
  };
}

export interface PodTemplateSpec { metadata?: ObjectMeta; spec: PodSpec }

export interface Node extends KubeObject {
  spec?: { unschedulable?: boolean; taints?: Taint[]; podCIDR?: string; podCIDRs?: string[] };
  status?: { conditions?: Condition[] };
}

export interface Lease extends KubeObject {
  spec?: { holderIdentity?: string; renewTime?: string; leaseDurationSeconds?: number };
}

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
  appProtocol?: string;
  nodePort?: number;
}

export interface Service extends KubeObject {
  spec?: {
    selector?: Record<string, string>;
    clusterIP?: string;
    type?: string;
    ports?: ServicePort[];
    publishNotReadyAddresses?: boolean;
  };
}

export interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
}
