// The node's entry in the kube-dns Service: an EndpointSlice `kube-system/kube-dns-<node>` with
// the node's IP, ready while this node's DNS server serves. The Service has no selector, so the
// EndpointSlice controller leaves these slices alone; each is owned by its Node, so the garbage
// collector removes it with the Node. Written at start, again whenever it changes or disappears,
// and marked not ready when the server stops.
import { isConflict } from '../api/errors.js';
import type { RestClient } from '../client/rest-client.js';
import { collectionPath, objectPath, R } from '../client/resources.js';
import { MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from '../api/endpoint-slice-labels.js';
import type { EndpointSliceObject } from './types.js';

export const DNS_NAMESPACE = 'kube-system';
export const DNS_SERVICE = 'kube-dns';
export const MANAGED_BY = 'k8ts-agent';

export function sliceName(nodeName: string): string {
  return `${DNS_SERVICE}-${nodeName}`;
}

export function desiredSlice(nodeName: string, nodeUid: string, nodeIP: string, port: number, ready: boolean): EndpointSliceObject {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: {
      name: sliceName(nodeName), namespace: DNS_NAMESPACE,
      labels: { [SERVICE_NAME_LABEL]: DNS_SERVICE, [MANAGED_BY_LABEL]: MANAGED_BY },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: nodeUid }],
    },
    addressType: nodeIP.includes(':') ? 'IPv6' : 'IPv4',
    endpoints: [{ addresses: [nodeIP], conditions: { ready, serving: ready, terminating: !ready }, nodeName }],
    ports: [{ name: 'dns', port, protocol: 'UDP' }, { name: 'dns-tcp', port, protocol: 'TCP' }],
  };
}

/** Whether the stored slice says what `want` says (metadata the server adds aside). */
export function sliceMatches(have: EndpointSliceObject, want: EndpointSliceObject): boolean {
  return JSON.stringify(have.endpoints) === JSON.stringify(want.endpoints) && JSON.stringify(have.ports) === JSON.stringify(want.ports)
    && have.metadata.labels?.[SERVICE_NAME_LABEL] === DNS_SERVICE
    && JSON.stringify(have.metadata.ownerReferences?.map(o => o.uid)) === JSON.stringify(want.metadata.ownerReferences?.map(o => o.uid));
}

/** Creates or updates the slice so it matches; a Node that is gone (or replaced) is looked up again. */
export async function writeSlice(client: RestClient, want: EndpointSliceObject, have: EndpointSliceObject | undefined): Promise<void> {
  const path = objectPath(R.endpointslices, DNS_NAMESPACE, want.metadata.name!);
  if (!have) {
    try {
      await client.create(collectionPath(R.endpointslices, DNS_NAMESPACE), want);
      return;
    } catch (err) {
      if (!isConflict(err)) throw err;
      have = await client.get<EndpointSliceObject>(path);
    }
  }
  if (sliceMatches(have, want)) return;
  await client.update(path, { ...want, metadata: { ...have.metadata, labels: { ...have.metadata.labels, ...want.metadata.labels }, ownerReferences: want.metadata.ownerReferences } });
}
