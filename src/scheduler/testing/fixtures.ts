// Small builders for scheduler unit tests: nodes and pods with just the fields under test, and a
// Handle over a fresh cache.
import { SchedulerCache } from '../cache.js';
import type { Handle } from '../framework.js';
import type { Node, Pod, PodSpec } from '../types.js';

export function node(name: string, o: { cpu?: string; memory?: string; pods?: string; labels?: Record<string, string>; taints?: Node['spec'] extends infer S ? S extends { taints?: infer T } ? T : never : never; unschedulable?: boolean } = {}): Node {
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: { taints: o.taints, unschedulable: o.unschedulable },
    status: { allocatable: { cpu: o.cpu ?? '4', memory: o.memory ?? '16Gi', pods: o.pods ?? '110' } },
  };
}

/** A pod with a spec, as every pod the API server stores has. */
export type TestPod = Pod & { spec: PodSpec };

export function pod(name: string, o: Partial<PodSpec> & { cpu?: string; memory?: string; labels?: Record<string, string>; namespace?: string } = {}): TestPod {
  const { cpu, memory, labels, namespace, ...spec } = o;
  const requests: Record<string, string> = {};
  if (cpu) requests.cpu = cpu;
  if (memory) requests.memory = memory;
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: namespace ?? 'default', uid: `uid-${name}`, labels },
    spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests } }], ...spec },
  };
}

/** A Handle without claims, PVs or classes and whose volume writes fail (tests of VolumeBinding pass their own). */
export function handle(cache = new SchedulerCache(), volumes: Partial<Pick<Handle, 'volumes' | 'volumeWriter'>> = {}): Handle {
  return {
    cache, namespaceLabels: () => ({}), defaultSelector: () => null, filter: () => null, nominatedPods: () => [],
    volumes: volumes.volumes ?? { claim: () => undefined, volume: () => undefined, volumes: () => [], storageClass: () => undefined },
    volumeWriter: volumes.volumeWriter ?? { bindVolume: () => Promise.reject(new Error('no API in this test')), selectNode: () => Promise.reject(new Error('no API in this test')) },
  };
}
