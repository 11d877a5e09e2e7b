// Pods nominated to nodes by preemption: they wait for their victims to leave, and meanwhile other
// pods of lower priority must not take the room they freed.
import type { PodInfo } from './pod-info.js';

const NONE: PodInfo[] = [];

export class Nominator {
  private readonly byNode = new Map<string, Map<string, PodInfo>>();
  private readonly nodeOf = new Map<string, string>();

  add(pod: PodInfo, node: string): void {
    this.remove(pod.key);
    let m = this.byNode.get(node);
    if (!m) this.byNode.set(node, (m = new Map()));
    m.set(pod.key, pod);
    this.nodeOf.set(pod.key, node);
  }

  remove(key: string): void {
    const node = this.nodeOf.get(key);
    if (node === undefined) return;
    this.nodeOf.delete(key);
    const m = this.byNode.get(node)!;
    m.delete(key);
    if (m.size === 0) this.byNode.delete(node);
  }

  podsOn(node: string): PodInfo[] {
    // Asked for every node the filter loop visits; nominations are rare.
    if (this.byNode.size === 0) return NONE;
    const m = this.byNode.get(node);
    return m ? [...m.values()] : NONE;
  }
}
