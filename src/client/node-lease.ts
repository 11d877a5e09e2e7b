// The node Lease in kube-node-lease: the kubelet's cheap heartbeat. Renewed from the last copy we
// wrote (one PUT); on a conflict or if it vanished it is re-read, and created when absent, owned by
// the Node so it goes away with it.
import { isConflict, isNotFound } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import type { RestClient } from './rest-client.js';
import { collectionPath, objectPath, R } from './resources.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
export const NODE_LEASE_DURATION_SECONDS = 40;

export interface LeaseRenewal {
  client: RestClient;
  nodeName: string;
  nodeUid?: string;
  durationSeconds?: number;
  /** Wraps each request (e.g. a concurrency limiter); defaults to calling it directly. */
  run?: <T>(request: () => Promise<T>) => Promise<T>;
}

/** Lease times are MicroTime: RFC 3339 with microseconds. */
export function microTime(at = new Date()): string {
  return at.toISOString().replace('Z', '000Z');
}

/** Renews (or creates) the node's Lease; `cached` is the Lease this returned last time. */
export async function renewNodeLease(r: LeaseRenewal, cached: KubeObject | undefined): Promise<KubeObject> {
  const run = r.run ?? (<T>(f: () => Promise<T>) => f());
  const renewTime = microTime();
  const path = objectPath(R.leases, NODE_LEASE_NAMESPACE, r.nodeName);
  const renewed = (lease: KubeObject) => ({ ...lease, spec: { ...(lease.spec as object), holderIdentity: r.nodeName, renewTime } });
  if (cached) {
    try {
      return await run(() => r.client.update<KubeObject>(path, renewed(cached)));
    } catch (err) {
      if (!(isConflict(err) || isNotFound(err))) throw err;
    }
  }
  try {
    const live = await run(() => r.client.get<KubeObject>(path));
    return await run(() => r.client.update<KubeObject>(path, renewed(live)));
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  return run(() => r.client.create<KubeObject>(collectionPath(R.leases, NODE_LEASE_NAMESPACE), {
    apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
    metadata: {
      name: r.nodeName, namespace: NODE_LEASE_NAMESPACE,
      ownerReferences: r.nodeUid ? [{ apiVersion: 'v1', kind: 'Node', name: r.nodeName, uid: r.nodeUid }] : undefined,
    },
    spec: { holderIdentity: r.nodeName, leaseDurationSeconds: r.durationSeconds ?? NODE_LEASE_DURATION_SECONDS, renewTime },
  }));
}

/** Upstream's kubelet retries a failed Lease renewal after 200 ms, doubling up to 7 s. */
export const LEASE_RETRY_FIRST_MS = 200;
export const LEASE_RETRY_MAX_MS = 7_000;

/** How long to wait before the next renewal: the interval after a success, backoff after failures. */
export function nextLeaseRenewalMs(intervalMs: number, consecutiveFailures: number): number {
  if (consecutiveFailures === 0) return intervalMs;
  return Math.min(LEASE_RETRY_MAX_MS, LEASE_RETRY_FIRST_MS * 2 ** (consecutiveFailures - 1));
}
