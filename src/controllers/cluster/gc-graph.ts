// The garbage collector's view of the cluster: every object that owns or is owned, by UID, with the
// reverse edges (owner UID → dependents) that upstream's GraphBuilder keeps. Owners that are only
// referenced, never observed, have no node: the collector checks those against the API server.
import type { KubeObject, OwnerReference } from '../../api/object.js';
import type { ResourceRef } from '../../client/resources.js';
import { addToIndex, removeFromIndex } from '../../util/set-index.js';

export const FOREGROUND = 'foregroundDeletion';
export const ORPHAN = 'orphan';

export interface GraphNode {
  uid: string;
  ref: ResourceRef;
  namespace?: string;
  name: string;
  owners: OwnerReference[];
  finalizers: string[];
  deleting: boolean;
  resourceVersion?: string;
}

export function nodeOf(ref: ResourceRef, obj: KubeObject): GraphNode {
  const m = obj.metadata;
  return {
    uid: m.uid!, ref, namespace: m.namespace, name: m.name!,
    owners: m.ownerReferences ?? [], finalizers: m.finalizers ?? [],
    deleting: !!m.deletionTimestamp, resourceVersion: m.resourceVersion,
  };
}

/** Being deleted in the foreground: waits until its blocking dependents are gone. */
export const isDeletingDependents = (n: GraphNode) => n.deleting && n.finalizers.includes(FOREGROUND);
export const isOrphaning = (n: GraphNode) => n.deleting && n.finalizers.includes(ORPHAN);

export class OwnerGraph {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly dependentsOf = new Map<string, Set<string>>();

  get size(): number {
    return this.nodes.size;
  }

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  /** Inserts or replaces a node; returns the previous version. */
  upsert(node: GraphNode): GraphNode | undefined {
    const prev = this.nodes.get(node.uid);
    if (prev) this.unlink(prev);
    this.nodes.set(node.uid, node);
    for (const o of node.owners) addToIndex(this.dependentsOf, o.uid, node.uid);
    return prev;
  }

  remove(uid: string): GraphNode | undefined {
    const prev = this.nodes.get(uid);
    if (!prev) return undefined;
    this.unlink(prev);
    this.nodes.delete(uid);
    return prev;
  }

  dependents(uid: string): GraphNode[] {
    return [...(this.dependentsOf.get(uid) ?? [])].map(d => this.nodes.get(d)!).filter(Boolean);
  }

  /** Dependents whose reference to `uid` has blockOwnerDeletion: they hold a foreground deletion. */
  blockingDependents(uid: string): GraphNode[] {
    return this.dependents(uid).filter(d => d.owners.some(o => o.uid === uid && o.blockOwnerDeletion));
  }

  private unlink(n: GraphNode): void {
    for (const o of n.owners) removeFromIndex(this.dependentsOf, o.uid, n.uid);
  }
}
