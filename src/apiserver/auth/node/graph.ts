// The Node authorizer's graph, as upstream's plugin/pkg/auth/authorizer/node/graph.go: vertices are
// objects, an edge points from an object to what uses it, and a node may read an object when a
// path leads from it to the node:
//   secret/configmap/pvc/serviceaccount -> pod -> node, pv -> pvc, secret -> pv, volumeattachment -> node.
// Each edge belongs to the object that declared it (a pod, a PV, a VolumeAttachment); when that
// object changes or goes, its edges are replaced or removed, so access follows the pod.
import { persistentVolumeSecrets, podReferences } from '../../../api/pod-references.js';
import type { PersistentVolume, Pod, VolumeAttachment } from '../../../api/types/generated.js';

export type VertexType = 'node' | 'pod' | 'secret' | 'configmap' | 'pvc' | 'pv' | 'serviceaccount' | 'volumeattachment';

type VertexId = string;

function vertexId(type: VertexType, namespace: string, name: string): VertexId {
  return `${type}\0${namespace}\0${name}`;
}

export class NodeGraph {
  /** Outgoing edges of every vertex that has any. */
  private readonly out = new Map<VertexId, Set<VertexId>>();
  /** The edges each declaring object added, so an update or delete removes exactly those. */
  private readonly declared = new Map<VertexId, [VertexId, VertexId][]>();

  /** A pod bound to a node: everything it uses points to it, and it to its node. Unbound pods use nothing yet. */
  setPod(pod: Pod): void {
    const ns = pod.metadata?.namespace ?? '';
    const name = pod.metadata?.name ?? '';
    const podVertex = vertexId('pod', ns, name);
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) return this.deleteDeclared(podVertex);
    const refs = podReferences(pod);
    const edges: [VertexId, VertexId][] = [[podVertex, vertexId('node', '', nodeName)]];
    for (const s of refs.secrets) edges.push([vertexId('secret', ns, s), podVertex]);
    for (const c of refs.configMaps) edges.push([vertexId('configmap', ns, c), podVertex]);
    for (const c of refs.persistentVolumeClaims) edges.push([vertexId('pvc', ns, c), podVertex]);
    if (refs.serviceAccount) edges.push([vertexId('serviceaccount', ns, refs.serviceAccount), podVertex]);
    this.replaceDeclared(podVertex, edges);
  }

  deletePod(namespace: string, name: string): void {
    this.deleteDeclared(vertexId('pod', namespace, name));
  }

  /** A bound PV leads to its claim; the secrets its source names lead to it. */
  setPersistentVolume(pv: PersistentVolume): void {
    const pvVertex = vertexId('pv', '', pv.metadata?.name ?? '');
    const claim = pv.spec?.claimRef;
    if (!claim?.name || !claim.namespace) return this.deleteDeclared(pvVertex);
    const edges: [VertexId, VertexId][] = [[pvVertex, vertexId('pvc', claim.namespace, claim.name)]];
    for (const s of persistentVolumeSecrets(pv)) edges.push([vertexId('secret', s.namespace, s.name), pvVertex]);
    this.replaceDeclared(pvVertex, edges);
  }

  deletePersistentVolume(name: string): void {
    this.deleteDeclared(vertexId('pv', '', name));
  }

  setVolumeAttachment(va: VolumeAttachment): void {
    const vaVertex = vertexId('volumeattachment', '', va.metadata?.name ?? '');
    const nodeName = va.spec?.nodeName;
    if (!nodeName) return this.deleteDeclared(vaVertex);
    this.replaceDeclared(vaVertex, [[vaVertex, vertexId('node', '', nodeName)]]);
  }

  deleteVolumeAttachment(name: string): void {
    this.deleteDeclared(vertexId('volumeattachment', '', name));
  }

  /** Whether some path leads from the object to the node (never through another node). */
  hasPathFrom(nodeName: string, type: VertexType, namespace: string, name: string): boolean {
    const target = vertexId('node', '', nodeName);
    const start = vertexId(type, namespace, name);
    const seen = new Set<VertexId>([start]);
    const stack = [start];
    while (stack.length) {
      const v = stack.pop()!;
      for (const next of this.out.get(v) ?? []) {
        if (next === target) return true;
        if (seen.has(next)) continue;
        seen.add(next);
        stack.push(next);
      }
    }
    return false;
  }

  private replaceDeclared(owner: VertexId, edges: [VertexId, VertexId][]): void {
    this.deleteDeclared(owner);
    for (const [from, to] of edges) {
      let targets = this.out.get(from);
      if (!targets) this.out.set(from, targets = new Set());
      targets.add(to);
    }
    this.declared.set(owner, edges);
  }

  private deleteDeclared(owner: VertexId): void {
    for (const [from, to] of this.declared.get(owner) ?? []) {
      const targets = this.out.get(from);
      targets?.delete(to);
      if (targets?.size === 0) this.out.delete(from);
    }
    this.declared.delete(owner);
  }
}
