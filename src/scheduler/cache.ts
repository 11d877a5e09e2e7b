// The scheduler's view of the cluster: every node with the pods placed on it, including pods it has
// assumed (decided but not yet bound), so the next pod sees the capacity as already taken. A bind
// failure forgets the assumption; the pod informer's confirmation replaces it.
// A label index over placed pods lets affinity and spreading visit only pods a selector can match.
import type { LabelSelector } from '../api/selectors/label-selector.js';
import { NodeInfo } from './node-info.js';
import { PodInfo } from './pod-info.js';
import type { Node, Pod } from './types.js';
import { addToIndex, removeFromIndex } from '../util/set-index.js';

interface Placed { info: PodInfo; node: string; assumed: boolean }

export class SchedulerCache {
  readonly nodes = new Map<string, NodeInfo>();
  private list: NodeInfo[] = [];
  private listDirty = false;
  private readonly placed = new Map<string, Placed>();
  private readonly labelIndex = new Map<string, Set<PodInfo>>();
  private readonly allPods = new Set<PodInfo>();
  /** Placed pods with required anti-affinity, cluster-wide (they constrain every incoming pod). */
  readonly podsWithRequiredAntiAffinity = new Set<PodInfo>();
  readonly podsWithAffinity = new Set<PodInfo>();
  /** How many nodes hold each image, for ImageLocality's spread factor. */
  readonly imageNodes = new Map<string, number>();

  /** Distinct values of a label over the nodes, per key, until a node changes. */
  private readonly labelValues = new Map<string, string[]>();

  /** Nodes with a Node object, in a stable order (the sampling rotates over it). */
  nodeList(): NodeInfo[] {
    if (this.listDirty) {
      this.list = [...this.nodes.values()].filter(n => n.hasNode);
      this.labelValues.clear();
      this.listDirty = false;
    }
    return this.list;
  }

  /** The values `key` takes on the nodes that have it (topology domains, e.g. the zones). */
  domainsOf(key: string): string[] {
    const nodes = this.nodeList();
    let values = this.labelValues.get(key);
    if (!values) {
      const seen = new Set<string>();
      for (const n of nodes) if (key in n.labels) seen.add(n.labels[key]);
      this.labelValues.set(key, values = [...seen]);
    }
    return values;
  }

  get nodeCount(): number {
    return this.nodeList().length;
  }

  setNode(node: Node): NodeInfo {
    const name = node.metadata.name!;
    let ni = this.nodes.get(name);
    if (ni?.hasNode) this.countImages(ni, -1);
    if (!ni) {
      ni = new NodeInfo(name, node);
      this.nodes.set(name, ni);
    } else {
      if (!ni.hasNode) this.listDirty = true;
      ni.setNode(node);
    }
    this.countImages(ni, 1);
    this.listDirty = true;
    return ni;
  }

  removeNode(name: string): void {
    const ni = this.nodes.get(name);
    if (!ni) return;
    this.countImages(ni, -1);
    // Pods still on it stay accounted until their deletions arrive.
    if (ni.pods.size) ni.clearNode(); else this.nodes.delete(name);
    this.listDirty = true;
  }

  /** Places a pod on a node before its binding is confirmed. */
  assume(info: PodInfo, node: string): void {
    this.place(info, node, true);
  }

  /** Undoes an assumption (bind failed). */
  forget(key: string): void {
    const p = this.placed.get(key);
    if (p?.assumed) this.unplace(key);
  }

  isAssumed(key: string): boolean {
    return this.placed.get(key)?.assumed ?? false;
  }

  /** A bound pod observed by the informer (adds, or replaces an assumption / older version). */
  setPod(pod: Pod): void {
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) return; // only bound pods have a place
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const prior = this.placed.get(key);
    if (prior && !prior.assumed && prior.info.pod === pod) return;
    this.unplace(key);
    this.place(prior?.info.pod === pod ? prior.info : new PodInfo(pod), nodeName, false);
  }

  removePod(key: string): void {
    this.unplace(key);
  }

  nodeOf(key: string): string | undefined {
    return this.placed.get(key)?.node;
  }

  podInfo(key: string): PodInfo | undefined {
    return this.placed.get(key)?.info;
  }

  /** Placed pods that may match `selector`: the shortest posting list of its equality terms. */
  candidates(selector: LabelSelector): Iterable<PodInfo> {
    let best: Set<PodInfo> | undefined;
    for (const r of selector.requirements) {
      if (r.operator !== 'In' && r.operator !== 'Exists') continue;
      let size = 0;
      const sets: Set<PodInfo>[] = [];
      const keys = r.operator === 'In' ? r.values.map(v => `${r.key}=${v}`) : [r.key];
      for (const k of keys) {
        const s = this.labelIndex.get(k);
        if (s) { sets.push(s); size += s.size; }
      }
      if (size === 0) return [];
      if (!best || size < best.size) best = sets.length === 1 ? sets[0] : new Set(sets.flatMap(s => [...s]));
    }
    return best ?? this.allPods;
  }

  private place(info: PodInfo, node: string, assumed: boolean): void {
    this.placed.set(info.key, { info, node, assumed });
    let ni = this.nodes.get(node);
    if (!ni) this.nodes.set(node, (ni = new NodeInfo(node)));
    ni.addPod(info);
    this.allPods.add(info);
    for (const [k, v] of Object.entries(info.labels)) {
      addToIndex(this.labelIndex, `${k}=${v}`, info);
      addToIndex(this.labelIndex, k, info);
    }
    if (info.requiredAntiAffinity.length) this.podsWithRequiredAntiAffinity.add(info);
    if (info.hasAffinity) this.podsWithAffinity.add(info);
  }

  private unplace(key: string): void {
    const p = this.placed.get(key);
    if (!p) return;
    this.placed.delete(key);
    const ni = this.nodes.get(p.node);
    ni?.removePod(key);
    if (ni && !ni.hasNode && ni.pods.size === 0) this.nodes.delete(p.node);
    this.allPods.delete(p.info);
    for (const [k, v] of Object.entries(p.info.labels)) {
      removeFromIndex(this.labelIndex, `${k}=${v}`, p.info);
      removeFromIndex(this.labelIndex, k, p.info);
    }
    this.podsWithRequiredAntiAffinity.delete(p.info);
    this.podsWithAffinity.delete(p.info);
  }

  private countImages(ni: NodeInfo, sign: 1 | -1): void {
    for (const img of ni.images.keys()) {
      const n = (this.imageNodes.get(img) ?? 0) + sign;
      if (n > 0) this.imageNodes.set(img, n); else this.imageNodes.delete(img);
    }
  }
}
