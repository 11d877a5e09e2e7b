import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResourceCatalog } from '../../api/catalog.js';
import { parseCidr } from '../../api/cidr.js';
import type { KubeObject } from '../../api/object.js';
import { MemoryStore } from '../../storage/memory.js';
import { systemContext, type RequestContext } from '../context.js';
import { Registry } from '../registry/registry.js';
import { strategies } from '../registry/strategies/index.js';
import { nodeRestriction } from './node-restriction.js';
import { AdmissionChain } from './types.js';

const admin = systemContext('admin');
const asNode = (name: string): RequestContext => ({ ...systemContext(`system:node:${name}`), user: { username: `system:node:${name}`, groups: ['system:nodes', 'system:authenticated'] } });
const nodeA = asNode('a');

async function cluster() {
  let registry!: Registry;
  registry = new Registry(ResourceCatalog.shared(), new MemoryStore(), new AdmissionChain([nodeRestriction(() => registry)]),
    strategies({ serviceCidr: parseCidr('10.43.0.0/16'), nodePortRange: { min: 30000, max: 32767 } }));
  await registry.start();
  for (const ns of ['default', 'kube-node-lease']) await registry.get('', 'namespaces').create(admin, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const nodes = registry.get('', 'nodes');
  const pods = registry.get('', 'pods');
  for (const n of ['a', 'b']) await nodes.create(admin, '', { apiVersion: 'v1', kind: 'Node', metadata: { name: n, labels: { 'kubernetes.io/hostname': n } }, spec: {} });
  for (const [name, node] of [['on-a', 'a'], ['on-b', 'b']]) {
    await pods.create(admin, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'x' } }, spec: { nodeName: node, containers: [{ name: 'c', image: 'i' }] } });
  }
  return { registry, nodes, pods };
}

type Store = ReturnType<Registry['get']>;
/** A patch computed from the live object, which the tests know exists. */
function patch(store: Store, ctx: RequestContext, namespace: string, name: string, change: (live: KubeObject) => unknown, opts: { subresource?: string } = {}) {
  return store.patch(ctx, namespace, name, live => change(live!) as KubeObject, opts);
}

async function forbidden(p: Promise<unknown>, message: string): Promise<void> {
  await assert.rejects(p, (err: { code?: number; message?: string }) => {
    assert.equal(err.code, 403);
    assert.equal(err.message, message);
    return true;
  });
}

test('a node changes only its own Node, without taints or restricted labels', async () => {
  const { registry, nodes } = await cluster();
  await patch(nodes, nodeA, '', 'a', live => ({ ...live, metadata: { ...live.metadata, labels: { ...live.metadata.labels, 'node.kubernetes.io/instance-type': 'big', 'example.com/x': 'y' } } }));
  await forbidden(patch(nodes, nodeA, '', 'b', live => live), 'nodes "b" is forbidden: node "a" is not allowed to modify node "b"');
  await forbidden(patch(nodes, nodeA, '', 'a', live => ({ ...live, spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } })), 'nodes "a" is forbidden: node "a" is not allowed to modify taints');
  await forbidden(patch(nodes, nodeA, '', 'a', live => ({ ...live, metadata: { ...live.metadata, labels: { ...live.metadata.labels, 'node-restriction.kubernetes.io/pool': 'secure', 'node-role.kubernetes.io/control-plane': '' } } })),
    'nodes "a" is forbidden: is not allowed to modify labels: node-restriction.kubernetes.io/pool, node-role.kubernetes.io/control-plane');
  await forbidden(nodes.create(asNode('c'), '', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'c', labels: { 'kubernetes.io/hostname': 'c', 'x.node-restriction.kubernetes.io/a': '1' } }, spec: {} }),
    'nodes "c" is forbidden: node "c" is not allowed to set the following labels: x.node-restriction.kubernetes.io/a');
  await nodes.create(asNode('c'), '', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'c', labels: { 'kubernetes.io/hostname': 'c', 'kubelet.kubernetes.io/x': '1' } }, spec: {} });
  await forbidden(nodes.delete(nodeA, '', 'b'), 'nodes "Unknown" is forbidden: node "a" is not allowed to modify node "b"');
  // Anyone who is not a node is not this plugin's business.
  await patch(nodes, admin, '', 'b', live => ({ ...live, spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } }));
  registry.stop();
});

test('pod status only for pods bound to the node; no other pod writes', async () => {
  const { registry, pods } = await cluster();
  const status = (ctx: RequestContext, name: string, change: (o: KubeObject) => KubeObject) => patch(pods, ctx, 'default', name, change, { subresource: 'status' });
  await status(nodeA, 'on-a', live => ({ ...live, status: { phase: 'Running' } }));
  await forbidden(status(nodeA, 'on-b', live => ({ ...live, status: { phase: 'Running' } })), 'pods "on-b" is forbidden: node "a" can only update pod status for pods with spec.nodeName set to itself');
  // Only a status update through the status subresource: a pod's labels cannot change there anyway, but a spec update is refused outright.
  await forbidden(patch(pods, nodeA, 'default', 'on-a', live => ({ ...live, metadata: { ...live.metadata, labels: {} } })), 'pods "on-a" is forbidden: unexpected operation "UPDATE", node "a" can only create and delete mirror pods');
  registry.stop();
});

test('pods: only mirror pods bound to the node, naming nothing else; deletes of its own pods', async () => {
  const { registry, nodes, pods } = await cluster();
  const uid = nodes.get('', 'a').metadata.uid!;
  const mirror = (over: Record<string, unknown> = {}, spec: Record<string, unknown> = {}): KubeObject => ({
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'static-a', annotations: { 'kubernetes.io/config.mirror': 'hash' }, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'a', uid, controller: true }], ...over },
    spec: { nodeName: 'a', containers: [{ name: 'c', image: 'i' }], ...spec },
  });
  await forbidden(pods.create(nodeA, 'default', mirror({ annotations: {} })), 'pods "static-a" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "a" can only create mirror pods');
  await forbidden(pods.create(nodeA, 'default', mirror({}, { nodeName: 'b' })), 'pods "static-a" is forbidden: node "a" can only create pods with spec.nodeName set to itself');
  await forbidden(pods.create(nodeA, 'default', mirror({ ownerReferences: [] })), 'pods "static-a" is forbidden: node "a" can only create pods with an owner reference set to itself');
  await forbidden(pods.create(nodeA, 'default', mirror({ ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'a', uid: 'other', controller: true }] })), `pods "static-a" is forbidden: node a UID mismatch: expected other got ${uid}`);
  await forbidden(pods.create(nodeA, 'default', mirror({}, { volumes: [{ name: 's', secret: { secretName: 'x' } }] })), 'pods "static-a" is forbidden: node "a" can not create pods that reference secrets');
  await forbidden(pods.create(nodeA, 'default', mirror({}, { containers: [{ name: 'c', image: 'i', envFrom: [{ configMapRef: { name: 'cm' } }] }] })), 'pods "static-a" is forbidden: node "a" can not create pods that reference configmaps');
  await forbidden(pods.create(nodeA, 'default', mirror({}, { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'x' } }] })), 'pods "static-a" is forbidden: node "a" can not create pods that reference persistentvolumeclaims');
  await pods.create(nodeA, 'default', mirror({}, { automountServiceAccountToken: false }));
  await forbidden(pods.delete(nodeA, 'default', 'on-b'), 'pods "Unknown" is forbidden: node "a" can only delete pods with spec.nodeName set to itself');
  await pods.delete(nodeA, 'default', 'on-a');
  registry.stop();
});

test('evictions and tokens only for the node\'s pods; its own Lease only', async () => {
  const { registry, pods } = await cluster();
  const plugin = nodeRestriction(() => registry);
  const podsInfo = pods.info;
  const evict = (name: string) => plugin.admit!({ resource: podsInfo, operation: 'CREATE', namespace: 'default', name, subresource: 'eviction', object: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name } }, ctx: nodeA });
  await evict('on-a');
  await forbidden(Promise.resolve().then(() => evict('on-b')), 'pods "on-b" is forbidden: node a can only evict pods with spec.nodeName set to itself');

  const sa = registry.get('', 'serviceaccounts').info;
  const token = (boundObjectRef?: Record<string, string>) => plugin.admit!({ resource: sa, operation: 'CREATE', namespace: 'default', name: 'default', subresource: 'token', object: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: {}, spec: { boundObjectRef } } as KubeObject, ctx: nodeA });
  const podUid = (name: string) => pods.get('default', name).metadata.uid!;
  await token({ apiVersion: 'v1', kind: 'Pod', name: 'on-a', uid: podUid('on-a') });
  await forbidden(Promise.resolve().then(() => token()), 'serviceaccounts "Unknown" is forbidden: node requested token not bound to a pod');
  await forbidden(Promise.resolve().then(() => token({ apiVersion: 'v1', kind: 'Pod', name: 'on-a' })), 'serviceaccounts "Unknown" is forbidden: node requested token with a pod binding without a uid');
  await forbidden(Promise.resolve().then(() => token({ apiVersion: 'v1', kind: 'Pod', name: 'on-b', uid: podUid('on-b') })), 'serviceaccounts "Unknown" is forbidden: node requested token bound to a pod scheduled on a different node');

  const leases = registry.get('coordination.k8s.io', 'leases');
  const lease = (name: string) => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name }, spec: { holderIdentity: name } });
  await leases.create(nodeA, 'kube-node-lease', lease('a'));
  await forbidden(leases.create(nodeA, 'kube-node-lease', lease('b')), 'leases.coordination.k8s.io "b" is forbidden: can only access node lease with the same name as the requesting node');
  await forbidden(leases.create(nodeA, 'default', lease('a')), 'leases.coordination.k8s.io "a" is forbidden: can only access leases in the "kube-node-lease" system namespace');
  registry.stop();
});
