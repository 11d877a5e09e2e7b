// What a registered CSI driver tells the cluster about this node, as upstream's nodeinfomanager: the
// driver's entry in the node's CSINode (node id, topology keys, volume limit), the node annotation
// `csi.volume.kubernetes.io/nodeid` (a JSON map driver → node id) and the driver's topology segments
// as node labels. The pure functions compute the new objects; NodeInfoManager writes them, retrying
// on conflicts with the other writers of the Node.
import type { CSINode, CSINodeDriver, Node } from '../../api/types/generated.js';
import { isNotFound } from '../../api/errors.js';
import { retryOnConflict } from '../../client/api-errors.js';
import type { RestClient } from '../../client/rest-client.js';
import { collectionPath, objectPath, R } from '../../client/resources.js';

export const NODE_ID_ANNOTATION = 'csi.volume.kubernetes.io/nodeid';

/** A driver's answer to NodeGetInfo, as the kubelet records it. */
export interface DriverNodeInfo {
  nodeId: string;
  maxVolumesPerNode: number;
  topology: Record<string, string>;
}

export class TopologyCollisionError extends Error {}

/** The CSINode spec entry of a driver. */
export function driverEntry(name: string, info: DriverNodeInfo): CSINodeDriver {
  return {
    name, nodeID: info.nodeId,
    topologyKeys: Object.keys(info.topology).sort(),
    ...(info.maxVolumesPerNode > 0 ? { allocatable: { count: info.maxVolumesPerNode } } : {}),
  };
}

/** The drivers list with `entry` in place of any earlier entry of the same driver. */
export function withDriver(drivers: CSINodeDriver[], entry: CSINodeDriver): CSINodeDriver[] {
  return [...drivers.filter(d => d.name !== entry.name), entry];
}

/** The node-id annotation's value with `driver` set to `nodeId`, or removed when nodeId is undefined; undefined when empty. */
export function nodeIdAnnotation(current: string | undefined, driver: string, nodeId: string | undefined): string | undefined {
  let ids: Record<string, string> = {};
  if (current) {
    try {
      ids = JSON.parse(current) as Record<string, string>;
    } catch {
      ids = {}; // not ours to keep: rewritten from what is registered
    }
  }
  if (nodeId === undefined) delete ids[driver];
  else ids[driver] = nodeId;
  const keys = Object.keys(ids).sort();
  return keys.length ? JSON.stringify(Object.fromEntries(keys.map(k => [k, ids[k]]))) : undefined;
}

/** Topology labels the node lacks; refuses a segment whose label already has another value. */
export function missingTopologyLabels(labels: Record<string, string>, driver: string, topology: Record<string, string>): Record<string, string> {
  const add: Record<string, string> = {};
  for (const [k, v] of Object.entries(topology)) {
    if (labels[k] === undefined) add[k] = v;
    else if (labels[k] !== v) throw new TopologyCollisionError(`detected topology value collision: driver ${driver} reported "${k}":"${v}" but existing label is "${k}":"${labels[k]}"`);
  }
  return add;
}

export class NodeInfoManager {
  constructor(private readonly client: RestClient, private readonly nodeName: string) {}

  /** Makes sure the node's CSINode exists (upstream's kubelet creates it at start, drivers or not). */
  async initialize(): Promise<void> {
    await this.updateCSINode(drivers => drivers);
  }

  async install(driver: string, info: DriverNodeInfo): Promise<void> {
    await this.updateNode(node => {
      const labels = missingTopologyLabels(node.metadata?.labels ?? {}, driver, info.topology);
      const annotation = nodeIdAnnotation(node.metadata?.annotations?.[NODE_ID_ANNOTATION], driver, info.nodeId);
      return { labels, annotations: { [NODE_ID_ANNOTATION]: annotation ?? null } };
    });
    await this.updateCSINode(drivers => withDriver(drivers, driverEntry(driver, info)));
  }

  /** Removes the driver from the CSINode and the node-id annotation; its topology labels stay, as upstream's. */
  async uninstall(driver: string): Promise<void> {
    await this.updateCSINode(drivers => drivers.filter(d => d.name !== driver));
    await this.updateNode(node => ({ annotations: { [NODE_ID_ANNOTATION]: nodeIdAnnotation(node.metadata?.annotations?.[NODE_ID_ANNOTATION], driver, undefined) ?? null } }));
  }

  private nodePath(): string {
    return objectPath(R.nodes, undefined, this.nodeName);
  }

  /** A merge patch of the node's labels and annotations, guarded by the resourceVersion it was computed from. */
  private async updateNode(change: (node: Node) => { labels?: Record<string, string>; annotations: Record<string, string | null> }): Promise<void> {
    await retryOnConflict(async () => {
      const node = await this.client.get<Node>(this.nodePath());
      const { labels, annotations } = change(node);
      const current = node.metadata?.annotations ?? {};
      const annotationsChange = Object.entries(annotations).filter(([k, v]) => (current[k] ?? null) !== v);
      if (!Object.keys(labels ?? {}).length && !annotationsChange.length) return;
      await this.client.patch(this.nodePath(), {
        metadata: { resourceVersion: node.metadata?.resourceVersion, labels, annotations: Object.fromEntries(annotationsChange) },
      }, 'merge');
    });
  }

  private async updateCSINode(change: (drivers: CSINodeDriver[]) => CSINodeDriver[]): Promise<void> {
    const path = objectPath(R.csinodes, undefined, this.nodeName);
    await retryOnConflict(async () => {
      let csiNode: CSINode | undefined;
      try {
        csiNode = await this.client.get<CSINode>(path);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      if (!csiNode) {
        // Owned by the Node, so it goes with it.
        const node = await this.client.get<Node>(this.nodePath());
        const created: CSINode = {
          apiVersion: 'storage.k8s.io/v1', kind: 'CSINode',
          metadata: { name: this.nodeName, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.nodeName, uid: node.metadata!.uid! }] },
          spec: { drivers: change([]) },
        };
        await this.client.create(collectionPath(R.csinodes), created);
        return;
      }
      const drivers = change(csiNode.spec.drivers ?? []);
      if (JSON.stringify(drivers) === JSON.stringify(csiNode.spec.drivers ?? [])) return;
      await this.client.update(path, { ...csiNode, spec: { ...csiNode.spec, drivers } });
    });
  }
}
