import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CSINode, Node, PersistentVolumeClaim, StorageClass } from './types.js';
import { splitClassParameters } from './class-parameters.js';
import {
  accessibilityRequirements, createVolumeRequest, provisionDecision, provisionedPersistentVolume, provisioningFailureState,
} from './provision-plan.js';

const DRIVER = 'hostpath.csi.k8s.io';

function claim(over: { annotations?: Record<string, string>; spec?: PersistentVolumeClaim['spec'] } = {}): PersistentVolumeClaim {
  return {
    metadata: { name: 'data', namespace: 'apps', uid: 'u-1', resourceVersion: '7', annotations: { 'volume.kubernetes.io/storage-provisioner': DRIVER, ...over.annotations } },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'csi', ...over.spec },
  };
}
const cls = (over: Partial<StorageClass> = {}): StorageClass => ({ metadata: { name: 'csi' }, provisioner: DRIVER, ...over });

test('a claim is provisioned when it names the driver; WaitForFirstConsumer waits for the selected node', () => {
  assert.deepEqual(provisionDecision(claim(), cls(), DRIVER), { action: 'provision', selectedNode: undefined });
  assert.deepEqual(provisionDecision(claim(), cls(), 'other.csi'), { action: 'ignore' });
  assert.deepEqual(provisionDecision(claim({ spec: { volumeName: 'pv-1' } }), cls(), DRIVER), { action: 'ignore' });
  assert.deepEqual(provisionDecision(claim(), cls({ provisioner: 'rancher.io/local-path' }), DRIVER), { action: 'ignore' });
  const wffc = cls({ volumeBindingMode: 'WaitForFirstConsumer' });
  assert.deepEqual(provisionDecision(claim(), wffc, DRIVER), { action: 'ignore' });
  assert.deepEqual(provisionDecision(claim({ annotations: { 'volume.kubernetes.io/selected-node': 'n1' } }), wffc, DRIVER), { action: 'provision', selectedNode: 'n1' });
});

test('CreateVolume carries the name, size, capabilities and the driver\'s parameters only', () => {
  const params = splitClassParameters({ kind: 'ssd', 'csi.storage.k8s.io/fstype': 'ext4' });
  const req = createVolumeRequest({ claim: claim({ spec: { accessModes: ['ReadWriteOnce', 'ReadOnlyMany'], resources: { requests: { storage: '1500M' } } } }), params, mountOptions: ['noatime'], singleNodeMultiWriter: false });
  assert.equal(req.name, 'pvc-u-1');
  assert.deepEqual(req.capacityRange, { requiredBytes: 1_500_000_000, limitBytes: 0 });
  assert.deepEqual(req.parameters, { kind: 'ssd' });
  assert.deepEqual(req.volumeCapabilities!.map(c => [c.accessMode!.mode, c.accessType, c.mount?.fsType, c.mount?.mountFlags]), [
    ['SINGLE_NODE_WRITER', 'mount', 'ext4', ['noatime']], ['MULTI_NODE_READER_ONLY', 'mount', 'ext4', ['noatime']],
  ]);
  const block = createVolumeRequest({ claim: claim({ spec: { accessModes: ['ReadWriteOncePod'], volumeMode: 'Block', resources: { requests: { storage: '1Gi' } } } }), params, singleNodeMultiWriter: true });
  assert.deepEqual(block.volumeCapabilities, [{ accessMode: { mode: 'SINGLE_NODE_SINGLE_WRITER' }, block: {}, accessType: 'block' }]);
  assert.throws(() => createVolumeRequest({ claim: claim({ spec: { selector: { matchLabels: { a: 'b' } } } }), params, singleNodeMultiWriter: false }), /claim Selector is not supported/);
});

test('topology: every node\'s segment is requisite, the selected node\'s is preferred first', () => {
  const node = (name: string, zone?: string): { node: Node; csiNode: CSINode } => ({
    node: { metadata: { name, labels: zone ? { 'topology.hostpath.csi/node': zone } : {} } },
    csiNode: { metadata: { name }, spec: { drivers: [{ name: DRIVER, nodeID: name, topologyKeys: ['topology.hostpath.csi/node'] }] } },
  });
  const req = accessibilityRequirements(DRIVER, [node('a', 'a'), node('b', 'b'), { node: { metadata: { name: 'c' } } }], 'b')!;
  assert.deepEqual(req.requisite!.map(t => t.segments), [{ 'topology.hostpath.csi/node': 'a' }, { 'topology.hostpath.csi/node': 'b' }]);
  assert.deepEqual(req.preferred!.map(t => t.segments), [{ 'topology.hostpath.csi/node': 'b' }, { 'topology.hostpath.csi/node': 'a' }]);
  assert.throws(() => accessibilityRequirements(DRIVER, [node('a', 'a'), node('x')], 'x'), /selected node "x"/);
  assert.equal(accessibilityRequirements(DRIVER, [], undefined), undefined);
  // The class's allowedTopologies narrow the requisite, and a selected node outside them fails.
  const onlyA = [{ matchLabelExpressions: [{ key: 'topology.hostpath.csi/node', values: ['a'] }] }];
  assert.deepEqual(accessibilityRequirements(DRIVER, [node('a', 'a'), node('b', 'b')], undefined, onlyA)!.requisite!.map(t => t.segments), [{ 'topology.hostpath.csi/node': 'a' }]);
  assert.throws(() => accessibilityRequirements(DRIVER, [node('a', 'a'), node('b', 'b')], 'b', onlyA), /allowedTopologies/);
});

test('the PV records the volume, binds to the claim and follows the accessible topology', () => {
  const c = claim();
  const params = splitClassParameters({ 'csi.storage.k8s.io/fstype': 'xfs' });
  const pv = provisionedPersistentVolume({
    claim: c, cls: cls({ reclaimPolicy: 'Retain', mountOptions: ['ro'] }), driver: DRIVER, identity: '1-2-' + DRIVER, params,
    volume: { volumeId: 'vol-9', capacityBytes: 2 * 1024 ** 3, volumeContext: { path: '/x' }, contentSource: null, accessibleTopology: [{ segments: { 'topology.hostpath.csi/node': 'a' } }] },
    secretRefs: { provisioner: { name: 's', namespace: 'kube-system' }, nodePublish: { name: 'np', namespace: 'apps' } },
  });
  assert.equal(pv.metadata!.name, 'pvc-u-1');
  assert.deepEqual(pv.metadata!.annotations, {
    'pv.kubernetes.io/provisioned-by': DRIVER,
    'volume.kubernetes.io/provisioner-deletion-secret-name': 's', 'volume.kubernetes.io/provisioner-deletion-secret-namespace': 'kube-system',
  });
  assert.deepEqual(pv.spec!.capacity, { storage: '2Gi' });
  assert.deepEqual(pv.spec!.claimRef, { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: 'apps', name: 'data', uid: 'u-1', resourceVersion: '7' });
  assert.equal(pv.spec!.persistentVolumeReclaimPolicy, 'Retain');
  assert.equal(pv.metadata.finalizers, undefined, 'Retain: nothing to delete, no finalizer');
  assert.deepEqual(pv.spec!.mountOptions, ['ro']);
  assert.deepEqual(pv.spec!.csi, {
    driver: DRIVER, volumeHandle: 'vol-9', fsType: 'xfs', nodePublishSecretRef: { name: 'np', namespace: 'apps' },
    volumeAttributes: { path: '/x', 'storage.kubernetes.io/csiProvisionerIdentity': '1-2-' + DRIVER },
  });
  assert.deepEqual(pv.spec!.nodeAffinity, { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.hostpath.csi/node', operator: 'In', values: ['a'] }] }] } });
  // A driver that reports no capacity gets the requested size.
  const noCap = provisionedPersistentVolume({ claim: c, cls: cls(), driver: DRIVER, identity: 'i', params, volume: { volumeId: 'v', capacityBytes: 0, volumeContext: {}, contentSource: null, accessibleTopology: [] }, secretRefs: {} });
  assert.deepEqual(noCap.spec!.capacity, { storage: '1Gi' });
  assert.equal(noCap.spec!.nodeAffinity, undefined);
  assert.equal(noCap.spec!.persistentVolumeReclaimPolicy, 'Delete');
  assert.deepEqual(noCap.metadata.finalizers, ['external-provisioner.volume.kubernetes.io/finalizer']);
});

test('failed CreateVolume: in-progress codes retry, final ones give the node back when topology allows', () => {
  assert.equal(provisioningFailureState(4, true), 'background');       // DeadlineExceeded
  assert.equal(provisioningFailureState(14, true), 'background');      // Unavailable
  assert.equal(provisioningFailureState(undefined, true), 'background');
  assert.equal(provisioningFailureState(8, true), 'reschedule');       // ResourceExhausted
  assert.equal(provisioningFailureState(8, false), 'background');
  assert.equal(provisioningFailureState(3, true), 'reschedule');       // InvalidArgument
  assert.equal(provisioningFailureState(3, false), 'final');
});
