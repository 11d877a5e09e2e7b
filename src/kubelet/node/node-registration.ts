// Registering the kubelet's Node (upstream's registerWithAPIServer): create it; if it already
// exists (a restart, or a node re-joining under the same name) adopt it and bring the kubelet-owned
// labels and annotations up to date, leaving everything else (taints, podCIDR, user labels) alone.
import { isConflict } from '../../api/errors.js';
import type { RestClient } from '../../client/rest-client.js';
import { collectionPath, objectPath, R } from '../../client/resources.js';
import { wellKnownLabels, type NodeObject } from '../../api/node-object.js';
import { ANN_CONTROLLER_MANAGED_ATTACH } from '../../api/csi-volume-names.js';

export interface NodeRegistration {
  name: string;
  /** Extra labels, e.g. the control-plane role on the server's own node. */
  labels?: Record<string, string>;
  /** Extra annotations, e.g. the pod network backend's data (the VXLAN VTEP's MAC). */
  annotations?: Record<string, string>;
}

export function initialNode(r: NodeRegistration): NodeObject {
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: {
      name: r.name,
      labels: { ...wellKnownLabels(r.name), ...r.labels },
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        [ANN_CONTROLLER_MANAGED_ATTACH]: 'true',
        ...r.annotations,
      },
    },
    spec: {},
  };
}

export async function registerNode(client: RestClient, r: NodeRegistration): Promise<NodeObject> {
  const desired = initialNode(r);
  try {
    return await client.create<NodeObject>(collectionPath(R.nodes), desired);
  } catch (err) {
    if (!isConflict(err)) throw err;
  }
  const existing = await client.get<NodeObject>(objectPath(R.nodes, undefined, r.name));
  const stale = (want: Record<string, string> | undefined, have: Record<string, string> | undefined) =>
    Object.entries(want ?? {}).some(([k, v]) => have?.[k] !== v);
  if (!stale(desired.metadata.labels, existing.metadata.labels) && !stale(desired.metadata.annotations, existing.metadata.annotations)) return existing;
  return client.patch<NodeObject>(objectPath(R.nodes, undefined, r.name),
    { metadata: { labels: desired.metadata.labels, annotations: desired.metadata.annotations } }, 'merge');
}
