// The Node a simulated kubelet registers: labels as a real kubelet sets them, capacity equal to
// allocatable (nothing reserved), and the status conditions of a healthy node.
import { createHash } from 'node:crypto';
import { intToIp } from '../api/cidr.js';
import { KUBELET_VERSION, SIMULATED_NODE_ANNOTATION, wellKnownLabels, type NodeCondition, type NodeObject } from '../api/node-object.js';
import type { SimNodeOptions } from './options.js';

/** Simulated nodes' InternalIPs: 172.16.0.0/12 is private and wide enough for 10^6 nodes. */
export function nodeAddress(index: number): string {
  return intToIp(0xac100000 + 1 + index);
}

export function nodeName(o: SimNodeOptions, index: number): string {
  return `${o.namePrefix}${index}`;
}

/** The labels a kubelet sets on its own Node; `--labels` are added when `extra` (see newNode). */
export function nodeLabels(o: SimNodeOptions, name: string, index: number, extra = true): Record<string, string> {
  return {
    ...wellKnownLabels(name, 'linux', 'amd64'),
    'node.kubernetes.io/instance-type': 'k8ts-sim',
    'topology.kubernetes.io/region': 'sim',
    'topology.kubernetes.io/zone': o.zones[index % o.zones.length],
    ...(extra ? o.labels : {}),
  };
}

/**
 * The Node as its kubelet registers it. A node with an identity of its own registers without the
 * extra `--labels`: NodeRestriction forbids a node to give itself most `kubernetes.io` labels
 * (node-role.kubernetes.io/..., as upstream), so the fleet's own identity adds them afterwards.
 */
export function newNode(o: SimNodeOptions, index: number, extraLabels = true): NodeObject {
  const name = nodeName(o, index);
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, labels: nodeLabels(o, name, index, extraLabels), annotations: { 'node.alpha.kubernetes.io/ttl': '0', [SIMULATED_NODE_ANNOTATION]: 'true' } },
    spec: o.taints.length ? { taints: o.taints } : {},
  };
}

export function nodeStatus(o: SimNodeOptions, name: string, index: number, conditions: NodeCondition[]): Record<string, unknown> {
  const resources = { cpu: o.cpu, memory: o.memory, pods: o.pods, 'ephemeral-storage': o.ephemeralStorage, 'hugepages-1Gi': '0', 'hugepages-2Mi': '0' };
  const id = createHash('sha1').update(name).digest('hex');
  const uuid = `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`;
  return {
    capacity: resources,
    allocatable: resources,
    conditions,
    addresses: [{ type: 'InternalIP', address: nodeAddress(index) }, { type: 'Hostname', address: name }],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: id.slice(0, 32), systemUUID: uuid, bootID: uuid,
      kernelVersion: '6.1.0-k8ts-sim', osImage: 'k8ts simulated node', containerRuntimeVersion: 'k8ts-sim://0.1.0',
      kubeletVersion: KUBELET_VERSION, kubeProxyVersion: KUBELET_VERSION, operatingSystem: 'linux', architecture: 'amd64',
    },
    images: [],
  };
}
