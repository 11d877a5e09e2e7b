// One node as the scheduler sees it: parsed allocatable, the sum of its pods' requests, used host
// ports, images, and the pods themselves (assumed ones included). Kept up to date incrementally
// so a Filter or Score is a few number comparisons.
import type { PodInfo } from './pod-info.js';
import { CPU, EPHEMERAL, MEMORY, PODS, toResourceList, type ResourceList } from '../api/pod-resources.js';
import type { Node, Taint } from './types.js';

// Not frozen: frozen arrays miss V8's fast paths (a for-of over one allocates an iterator).
const NO_TAINTS: readonly Taint[] = [];

export class NodeInfo {
  // The fields every Filter and Score reads come first and are plain values on the object itself:
  // the filter loop visits hundreds of nodes per pod, and each object it follows from here (the
  // Node, its spec, a Map) is one more cache miss per node.
  hasNode = false;
  /** spec.unschedulable (cordoned). */
  unschedulable = false;
  /** pods.size, kept alongside the sums. */
  podCount = 0;
  allocPods = 0;
  allocCpu = 0;
  reqCpu = 0;
  allocMemory = 0;
  reqMemory = 0;
  allocEphemeral = 0;
  reqEphemeral = 0;
  nonZeroCpu = 0;
  nonZeroMemory = 0;
  /** Shared empty list for the usual untainted node. */
  taints: readonly Taint[] = NO_TAINTS;
  labels: Record<string, string> = {};
  node!: Node;
  allocatable: ResourceList = new Map();
  readonly requested: ResourceList = new Map();
  readonly pods = new Map<string, PodInfo>();
  readonly usedPorts = new Map<string, number>();
  /** Pods here with any pod (anti-)affinity, and those with required anti-affinity. */
  readonly podsWithAffinity = new Set<PodInfo>();
  readonly podsWithRequiredAntiAffinity = new Set<PodInfo>();
  /** Normalized image name → size in bytes. */
  images = new Map<string, number>();

  constructor(readonly name: string, node?: Node) {
    if (node) this.setNode(node);
  }

  setNode(node: Node): void {
    this.node = node;
    this.hasNode = true;
    this.labels = node.metadata.labels ?? {};
    this.unschedulable = !!node.spec?.unschedulable;
    this.taints = node.spec?.taints?.length ? node.spec.taints : NO_TAINTS;
    this.allocatable = toResourceList(node.status?.allocatable);
    this.allocCpu = this.allocatable.get(CPU) ?? 0;
    this.allocMemory = this.allocatable.get(MEMORY) ?? 0;
    this.allocEphemeral = this.allocatable.get(EPHEMERAL) ?? 0;
    this.allocPods = this.allocatable.get(PODS) ?? 0;
    this.images = new Map();
    for (const img of node.status?.images ?? []) for (const n of img.names ?? []) this.images.set(normalizeImage(n), img.sizeBytes ?? 0);
  }

  /** The Node object is gone; its pods stay until their own deletions arrive. */
  clearNode(): void {
    this.hasNode = false;
  }

  addPod(p: PodInfo): void {
    this.pods.set(p.key, p);
    this.podCount = this.pods.size;
    this.account(p, 1);
  }

  removePod(key: string): PodInfo | undefined {
    const p = this.pods.get(key);
    if (!p) return undefined;
    this.pods.delete(key);
    this.podCount = this.pods.size;
    this.account(p, -1);
    return p;
  }

  /** A copy with its own pod set and sums, for "what if" evaluation (nominated pods, preemption). */
  clone(): NodeInfo {
    const c = new NodeInfo(this.name, this.node);
    for (const p of this.pods.values()) c.addPod(p);
    return c;
  }

  private account(p: PodInfo, sign: 1 | -1): void {
    for (const [k, v] of p.requests) this.requested.set(k, (this.requested.get(k) ?? 0) + sign * v);
    this.reqCpu = this.requested.get(CPU) ?? 0;
    this.reqMemory = this.requested.get(MEMORY) ?? 0;
    this.reqEphemeral = this.requested.get(EPHEMERAL) ?? 0;
    this.nonZeroCpu += sign * p.nonZero.cpu;
    this.nonZeroMemory += sign * p.nonZero.memory;
    for (const hp of p.hostPorts) {
      const k = portKey(hp.ip, hp.protocol, hp.port);
      const n = (this.usedPorts.get(k) ?? 0) + sign;
      if (n > 0) this.usedPorts.set(k, n); else this.usedPorts.delete(k);
    }
    if (p.hasAffinity) {
      if (sign > 0) this.podsWithAffinity.add(p); else this.podsWithAffinity.delete(p);
    }
    if (p.requiredAntiAffinity.length) {
      if (sign > 0) this.podsWithRequiredAntiAffinity.add(p); else this.podsWithRequiredAntiAffinity.delete(p);
    }
  }
}

export const portKey = (ip: string, protocol: string, port: number) => `${protocol}/${port}/${ip}`;

/** `nginx` and `docker.io/library/nginx:latest` are one image. */
export function normalizeImage(name: string): string {
  let n = name;
  if (!n.includes('/')) n = `docker.io/library/${n}`;
  else if (!n.split('/')[0].includes('.') && !n.split('/')[0].includes(':')) n = `docker.io/${n}`;
  if (!n.includes('@') && !/:[^/]+$/.test(n)) n += ':latest';
  return n;
}
