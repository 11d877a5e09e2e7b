import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PersistentVolume, Pod } from '../../../api/types/generated.js';
import { parseRequestInfo, type ResourceRequest } from '../../request-info.js';
import { requestAttributes } from '../attributes.js';
import { NodeGraph } from './graph.js';
import { NodeAuthorizer } from './node-authorizer.js';

const nodeA = { username: 'system:node:a', groups: ['system:nodes', 'system:authenticated'] };
const nodeB = { username: 'system:node:b', groups: ['system:nodes', 'system:authenticated'] };

function pod(name: string, nodeName: string | undefined, extra: Partial<Pod['spec']> = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'ns', name },
    spec: {
      nodeName, serviceAccountName: 'runner',
      containers: [{ name: 'c', image: 'i', env: [{ name: 'E', valueFrom: { configMapKeyRef: { name: 'env-cm', key: 'k' } } }] }],
      volumes: [
        { name: 'creds', secret: { secretName: 'creds' } },
        { name: 'proj', projected: { sources: [{ secret: { name: 'projected-secret' } }, { configMap: { name: 'projected-cm' } }] } },
        { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
        { name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: {} } } },
      ],
      ...extra,
    },
  } as Pod;
}

function req(over: Partial<ResourceRequest>): ResourceRequest {
  return { isResourceRequest: true, group: '', version: 'v1', resource: 'secrets', namespace: 'ns', name: '', subresource: '', verb: 'get', rest: [], ...over };
}

function setup() {
  const graph = new NodeGraph();
  return { graph, authz: new NodeAuthorizer(graph) };
}

test('a node reads the Secrets and ConfigMaps of pods bound to it, not of pods on another node', () => {
  const { graph, authz } = setup();
  graph.setPod(pod('web', 'a'));
  for (const [resource, name] of [['secrets', 'creds'], ['secrets', 'projected-secret'], ['configmaps', 'projected-cm'], ['configmaps', 'env-cm']]) {
    assert.deepEqual(authz.authorize(nodeA, req({ resource, name })), { allowed: true }, `${resource}/${name}`);
    assert.deepEqual(authz.authorize(nodeB, req({ resource, name })), { allowed: false, reason: "no relationship found between node 'b' and this object" });
  }
  // A watch of one Secret by name is a read of that Secret.
  assert.equal(authz.authorize(nodeA, req({ verb: 'watch', fieldSelector: 'metadata.name=creds' })).allowed, true);
  assert.equal(authz.authorize(nodeA, req({ verb: 'list' })).allowed, false);
  assert.equal(authz.authorize(nodeA, req({ name: 'unrelated' })).allowed, false);
  assert.deepEqual(authz.authorize(nodeA, req({ verb: 'update', name: 'creds' })), { allowed: false, reason: 'can only read resources of this type' });
});

test('access follows the pod: it ends when the pod is deleted or moves to another node', () => {
  const { graph, authz } = setup();
  graph.setPod(pod('web', 'a'));
  graph.setPod(pod('web', 'b'));
  assert.equal(authz.authorize(nodeA, req({ name: 'creds' })).allowed, false);
  assert.equal(authz.authorize(nodeB, req({ name: 'creds' })).allowed, true);
  graph.deletePod('ns', 'web');
  assert.equal(authz.authorize(nodeB, req({ name: 'creds' })).allowed, false);
  // A Secret two pods use stays readable while one of them remains.
  graph.setPod(pod('one', 'a'));
  graph.setPod(pod('two', 'a'));
  graph.deletePod('ns', 'one');
  assert.equal(authz.authorize(nodeA, req({ name: 'creds' })).allowed, true);
  // An unscheduled pod gives no node anything.
  graph.setPod(pod('two', undefined));
  assert.equal(authz.authorize(nodeA, req({ name: 'creds' })).allowed, false);
});

test('PVCs, the PVs bound to them and the PVs\' secrets; service-account tokens', () => {
  const { graph, authz } = setup();
  graph.setPod(pod('web', 'a'));
  graph.setPersistentVolume({
    metadata: { name: 'pv1' },
    spec: { claimRef: { namespace: 'ns', name: 'data' }, csi: { driver: 'd', volumeHandle: 'h', nodePublishSecretRef: { name: 'csi-secret', namespace: 'storage' } } },
  } as PersistentVolume);
  assert.equal(authz.authorize(nodeA, req({ resource: 'persistentvolumeclaims', name: 'data' })).allowed, true);
  assert.equal(authz.authorize(nodeA, req({ resource: 'persistentvolumeclaims', name: 'web-scratch' })).allowed, true);
  assert.equal(authz.authorize(nodeA, req({ resource: 'persistentvolumes', namespace: '', name: 'pv1' })).allowed, true);
  assert.equal(authz.authorize(nodeA, req({ namespace: 'storage', name: 'csi-secret' })).allowed, true);
  assert.equal(authz.authorize(nodeB, req({ resource: 'persistentvolumes', namespace: '', name: 'pv1' })).allowed, false);
  assert.deepEqual(authz.authorize(nodeA, req({ resource: 'persistentvolumeclaims', name: 'data', verb: 'list' })), { allowed: false, reason: 'can only get individual resources of this type' });
  assert.equal(authz.authorize(nodeA, req({ resource: 'persistentvolumeclaims', name: 'data', subresource: 'status', verb: 'patch' })).allowed, true);

  const token = req({ resource: 'serviceaccounts', name: 'runner', subresource: 'token', verb: 'create' });
  assert.equal(authz.authorize(nodeA, token).allowed, true);
  assert.equal(authz.authorize(nodeB, token).allowed, false);
  assert.deepEqual(authz.authorize(nodeA, { ...token, subresource: '' }), { allowed: false, reason: 'can only create token subresource of serviceaccount' });
});

test('pods: the node lists its own with the spec.nodeName selector and gets those bound to it', () => {
  const { graph, authz } = setup();
  graph.setPod(pod('web', 'a'));
  const pods = (over: Partial<ResourceRequest>) => authz.authorize(nodeA, req({ resource: 'pods', ...over }));
  assert.equal(pods({ verb: 'watch', namespace: '', fieldSelector: 'spec.nodeName=a' }).allowed, true);
  assert.deepEqual(pods({ verb: 'list', namespace: '', fieldSelector: 'spec.nodeName=b' }), { allowed: false, reason: 'can only list/watch pods with spec.nodeName field selector' });
  assert.equal(pods({ name: 'web' }).allowed, true);
  assert.equal(authz.authorize(nodeB, req({ resource: 'pods', name: 'web' })).allowed, false);
  assert.equal(pods({ verb: 'create' }).allowed, true);
  assert.equal(pods({ verb: 'patch', name: 'web', subresource: 'status' }).allowed, true);
  assert.equal(pods({ verb: 'create', name: 'web', subresource: 'eviction' }).allowed, true);
  assert.deepEqual(pods({ verb: 'update', name: 'web' }), { allowed: false, reason: '' });
  assert.equal(pods({ verb: 'create', name: 'web', subresource: 'exec' }).allowed, false);
});

test('the node\'s own Node, Lease and CSINode; the static node rules; no opinion for everyone else', () => {
  const { authz } = setup();
  assert.equal(authz.authorize(nodeA, req({ resource: 'nodes', namespace: '', name: 'a' })).allowed, true);
  assert.deepEqual(authz.authorize(nodeA, req({ resource: 'nodes', namespace: '', name: 'b' })), { allowed: false, reason: "node 'a' cannot read 'b', only its own Node object" });
  assert.deepEqual(authz.authorize(nodeA, req({ resource: 'nodes', namespace: '', verb: 'list' })), { allowed: false, reason: "node 'a' cannot read all nodes, only its own Node object" });
  assert.equal(authz.authorize(nodeA, req({ resource: 'nodes', namespace: '', name: 'a', subresource: 'status', verb: 'patch' })).allowed, true);
  const lease = (over: Partial<ResourceRequest>) => authz.authorize(nodeA, req({ group: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-node-lease', ...over }));
  assert.equal(lease({ name: 'a', verb: 'update' }).allowed, true);
  assert.deepEqual(lease({ name: 'b', verb: 'update' }), { allowed: false, reason: 'can only access node lease with the same name as the requesting node' });
  assert.deepEqual(lease({ namespace: 'kube-system', name: 'a' }), { allowed: false, reason: 'can only access leases in the "kube-node-lease" system namespace' });
  assert.equal(authz.authorize(nodeA, req({ group: 'storage.k8s.io', resource: 'csinodes', namespace: '', name: 'a', verb: 'update' })).allowed, true);
  assert.equal(authz.authorize(nodeA, req({ resource: 'services', verb: 'watch' })).allowed, true);
  assert.equal(authz.authorize(nodeA, req({ resource: 'events', verb: 'create' })).allowed, true);
  assert.equal(authz.authorize(nodeA, req({ group: 'apps', resource: 'deployments', verb: 'list' })).allowed, false);
  assert.deepEqual(authz.authorize({ username: 'alice', groups: ['system:nodes'] }, req({ name: 'creds' })), { allowed: false, reason: '' });
  assert.deepEqual(authz.authorize({ username: 'system:node:', groups: ['system:nodes'] }, req({ name: 'creds' })), { allowed: false, reason: 'unknown node for user "system:node:"' });
  assert.equal(authz.authorize({ username: 'system:node:a', groups: [] }, req({ resource: 'services', verb: 'list' })).allowed, false);
});

test('a request\'s field selector reaches the authorizer: the kubelet\'s watch of its own pods', () => {
  const { authz } = setup();
  const watch = (selector: string) => requestAttributes(parseRequestInfo('GET', '/api/v1/pods', new URLSearchParams({ watch: 'true', fieldSelector: selector })), 'GET');
  assert.equal(authz.authorize(nodeA, watch('spec.nodeName=a')).allowed, true);
  assert.equal(authz.authorize(nodeA, watch('spec.nodeName=b')).allowed, false);
});
