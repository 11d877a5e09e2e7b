// What every kubelet — the real one and the simulated ones — puts on its Node: the version it
// reports, the well-known labels, and the four node conditions with upstream's reasons and messages.
import { nowTimestamp, type KubeObject } from './object.js';
import type { NodeSpec, NodeStatus } from './types/generated.js';

export const KUBELET_VERSION = 'v1.32.0';

/** Marks a Node that `k8ts sim-nodes` keeps: nothing listens at its addresses (no kubelet to scrape). */
export const SIMULATED_NODE_ANNOTATION = 'k8ts.io/simulated';

export interface NodeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
}

export interface NodeObject extends KubeObject {
  spec?: NodeSpec;
  status?: Omit<NodeStatus, 'conditions'> & { conditions?: NodeCondition[] };
}

/** Go's GOARCH for this process's architecture, as node labels and nodeInfo spell it. */
export function goArch(arch: string = process.arch): string {
  return ({ x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[arch] ?? arch;
}

/** The labels the kubelet always sets on its Node (upstream's initialNode). */
export function wellKnownLabels(name: string, os = 'linux', arch = goArch()): Record<string, string> {
  return {
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': os,
    'kubernetes.io/arch': arch,
    'beta.kubernetes.io/os': os,
    'beta.kubernetes.io/arch': arch,
  };
}

/** What the kubelet found when it looked: pressure, and whether it is ready (and if not, why). */
export interface NodeHealth {
  memoryPressure: boolean;
  diskPressure: boolean;
  pidPressure: boolean;
  /** Undefined when ready; otherwise the reason shown in the Ready condition's message. */
  notReadyMessage?: string;
}

export const HEALTHY: NodeHealth = { memoryPressure: false, diskPressure: false, pidPressure: false };

/**
 * The node's conditions for `health`, heartbeat `now`. A condition whose status did not change
 * keeps its lastTransitionTime from `previous` (as upstream's condition setters do).
 */
export function nodeConditions(health: NodeHealth, previous: NodeCondition[] = [], now = nowTimestamp()): NodeCondition[] {
  const c = (type: string, status: 'True' | 'False', reason: string, message: string): NodeCondition => {
    const before = previous.find(p => p.type === type);
    const since = before && before.status === status && before.lastTransitionTime ? before.lastTransitionTime : now;
    return { type, status, reason, message, lastHeartbeatTime: now, lastTransitionTime: since };
  };
  return [
    health.memoryPressure
      ? c('MemoryPressure', 'True', 'KubeletHasInsufficientMemory', 'kubelet has insufficient memory available')
      : c('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    health.diskPressure
      ? c('DiskPressure', 'True', 'KubeletHasDiskPressure', 'kubelet has disk pressure')
      : c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    health.pidPressure
      ? c('PIDPressure', 'True', 'KubeletHasInsufficientPID', 'kubelet has insufficient PID available')
      : c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    health.notReadyMessage === undefined
      ? c('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status')
      : c('Ready', 'False', 'KubeletNotReady', health.notReadyMessage),
  ];
}

/** The event the kubelet records when a condition takes this status (NodeReady, NodeHasDiskPressure, ...). */
export function conditionEventReason(type: string, status: NodeCondition['status']): string | undefined {
  const reasons: Record<string, Partial<Record<NodeCondition['status'], string>>> = {
    MemoryPressure: { False: 'NodeHasSufficientMemory', True: 'NodeHasInsufficientMemory' },
    DiskPressure: { False: 'NodeHasNoDiskPressure', True: 'NodeHasDiskPressure' },
    PIDPressure: { False: 'NodeHasSufficientPID', True: 'NodeHasInsufficientPID' },
    Ready: { True: 'NodeReady', False: 'NodeNotReady' },
  };
  return reasons[type]?.[status];
}

/**
 * How the kubelet refers to its Node in events: upstream uses the node name as the UID, and
 * `kubectl describe node` searches events by exactly that reference.
 */
export function nodeEventRef(name: string): NodeObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, uid: name } };
}

export function isReady(node: { status?: { conditions?: { type: string; status: string }[] } } | undefined): boolean {
  return node?.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** The node's InternalIP addresses, in the order it reports them. */
export function internalIPs(node: { status?: { addresses?: { type: string; address: string }[] } } | undefined): string[] {
  return (node?.status?.addresses ?? []).filter(a => a.type === 'InternalIP').map(a => a.address);
}

/** The node's pod CIDRs: spec.podCIDRs, or the older single spec.podCIDR. */
export function podCIDRs(node: { spec?: { podCIDR?: string; podCIDRs?: string[] } }): string[] {
  return node.spec?.podCIDRs ?? (node.spec?.podCIDR ? [node.spec.podCIDR] : []);
}
