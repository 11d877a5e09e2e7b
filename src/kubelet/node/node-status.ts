// The Node status the kubelet posts, composed from what it measured: machine, filesystem and memory,
// the runtime's version, status and images, the node's addresses and the kubelet's port.
import { isDeepStrictEqual } from 'node:util';
import type { ContainerImage } from '../../api/types/generated.js';
import type { Image, RuntimeCondition } from '../cri/types.js';
import type { FilesystemUsage, MachineInfo, MemoryUsage } from './machine-info.js';
import type { NodeAddress } from './node-addresses.js';
import { KUBELET_VERSION, nodeConditions, type NodeCondition, type NodeHealth, type NodeObject } from '../../api/node-object.js';
import { diskPressure, memoryPressure, nodeAllocatable, nodeCapacity } from './node-resources.js';

/** Upstream's --node-status-max-images. */
export const MAX_IMAGES = 50;

/** The parts of a CRI image the node status lists. */
export type RuntimeImage = Pick<Image, 'repoTags' | 'repoDigests' | 'size'>;

/** What the runtime told us (CRI Version, Status and ListImages). */
export interface RuntimeFacts {
  /** `containerd://1.6.20`, or undefined when the runtime did not answer. */
  runtimeVersion?: string;
  /** CRI Status conditions, or undefined when the runtime did not answer. */
  runtimeConditions?: RuntimeCondition[];
  images: RuntimeImage[];
}

export interface NodeStatusInputs {
  machine: MachineInfo;
  fs: FilesystemUsage;
  memory: MemoryUsage;
  runtime: RuntimeFacts;
  addresses: NodeAddress[];
  kubeletPort: number;
}

/** Why the node is not ready, worded as upstream's runtime state errors; undefined when ready. */
export function runtimeNotReadyMessage(conditions: RuntimeCondition[] | undefined): string | undefined {
  if (!conditions) return 'container runtime is down';
  const show = (c: RuntimeCondition | undefined, type: string) =>
    c ? `${c.type}=${c.status} reason:${c.reason} message:${c.message}` : `${type} condition missing`;
  const runtime = conditions.find(c => c.type === 'RuntimeReady');
  if (!runtime?.status) return `container runtime not ready: ${show(runtime, 'RuntimeReady')}`;
  const network = conditions.find(c => c.type === 'NetworkReady');
  if (!network?.status) return `container runtime network not ready: ${show(network, 'NetworkReady')}`;
  return undefined;
}

/** Largest first, at most MAX_IMAGES, each named by its digests then its tags (upstream's order). */
export function nodeImages(images: RuntimeImage[]): ContainerImage[] {
  return images
    .map(i => ({ names: [...i.repoDigests, ...i.repoTags], sizeBytes: i.size }))
    .filter(i => i.names.length > 0)
    .sort((a, b) => b.sizeBytes - a.sizeBytes)
    .slice(0, MAX_IMAGES);
}

export function nodeHealth(i: NodeStatusInputs): NodeHealth {
  return {
    memoryPressure: memoryPressure(i.memory),
    diskPressure: diskPressure(i.fs),
    // Upstream sets no default pid.available threshold, so PID pressure is never reported by default.
    pidPressure: false,
    notReadyMessage: runtimeNotReadyMessage(i.runtime.runtimeConditions),
  };
}

export function composeNodeStatus(i: NodeStatusInputs, previous: NodeCondition[] | undefined, now: string): NonNullable<NodeObject['status']> {
  return {
    capacity: nodeCapacity(i.machine, i.fs),
    allocatable: nodeAllocatable(i.machine, i.fs),
    conditions: nodeConditions(nodeHealth(i), previous, now),
    addresses: i.addresses,
    daemonEndpoints: { kubeletEndpoint: { Port: i.kubeletPort } },
    nodeInfo: {
      machineID: i.machine.machineID,
      systemUUID: i.machine.systemUUID,
      bootID: i.machine.bootID,
      kernelVersion: i.machine.kernelVersion,
      osImage: i.machine.osImage,
      containerRuntimeVersion: i.runtime.runtimeVersion ?? '',
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: KUBELET_VERSION,
      operatingSystem: 'linux',
      architecture: i.machine.architecture,
    },
    images: nodeImages(i.runtime.images),
  };
}

/**
 * Whether the posted status differs from the desired one in anything the kubelet sets, heartbeat
 * times aside (upstream's nodeStatusHasChanged): only then must it post before the report interval.
 */
export function statusChanged(posted: NodeObject['status'], desired: NonNullable<NodeObject['status']>): boolean {
  const withoutHeartbeats = (cs: NodeCondition[] | undefined) => (cs ?? []).map(({ lastHeartbeatTime: _, ...c }) => c);
  return Object.keys(desired).some(key => key === 'conditions'
    ? !isDeepStrictEqual(withoutHeartbeats(posted?.conditions), withoutHeartbeats(desired.conditions))
    : !isDeepStrictEqual((posted as Record<string, unknown> | undefined)?.[key], (desired as Record<string, unknown>)[key]));
}
