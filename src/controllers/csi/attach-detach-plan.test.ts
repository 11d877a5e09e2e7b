import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CSIDriver, Node, PersistentVolume, PersistentVolumeClaim, Pod, VolumeAttachment } from '../../api/types/generated.js';
import { MAX_WAIT_FOR_UNMOUNT_MS, planAttachDetach, podTerminated, type AttachDetachInputs } from './attach-detach-plan.js';
import { attachmentName } from '../../api/csi-volume-names.js';

const D = 'hostpath.csi.k8s.io';
const VA = attachmentName('vol-1', D, 'n1');
const UNIQUE = `kubernetes.io/csi/${D}^vol-1`;

const node = (over: Partial<NonNullable<Node['status']>> = {}, managed = true): Node => ({
  metadata: { name: 'n1', annotations: managed ? { 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' } : {} },
  status: { ...over },
});
const pod = (over: Partial<Pod> = {}): Pod => ({
  metadata: { name: 'p', namespace: 'ns', ...over.metadata },
  spec: { nodeName: 'n1', containers: [], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'c' } }] },
  status: over.status ?? { phase: 'Running' },
});
const claim: PersistentVolumeClaim = { metadata: { name: 'c', namespace: 'ns' }, spec: { volumeName: 'pv1' }, status: { phase: 'Bound' } };
const pv: PersistentVolume = { metadata: { name: 'pv1' }, spec: { csi: { driver: D, volumeHandle: 'vol-1' } } };
const va = (status?: VolumeAttachment['status'], meta: VolumeAttachment['metadata'] = {}): VolumeAttachment => ({
  metadata: { name: VA, ...meta }, spec: { attacher: D, nodeName: 'n1', source: { persistentVolumeName: 'pv1' } }, status,
});

function inputs(over: Partial<AttachDetachInputs> = {}, drivers: Record<string, CSIDriver> = {}): AttachDetachInputs {
  return {
    nodeName: 'n1', node: node(), pods: [pod()], attachments: [], now: 1_000_000,
    claim: (ns, name) => (ns === 'ns' && name === 'c' ? claim : undefined),
    volume: name => (name === 'pv1' ? pv : undefined),
    driver: name => drivers[name],
    detachWantedSince: () => undefined,
    ...over,
  };
}

test('a running pod\'s CSI volume gets a VolumeAttachment; attached ones are reported on the Node', () => {
  const plan = planAttachDetach(inputs());
  assert.deepEqual(plan.create, [{
    apiVersion: 'storage.k8s.io/v1', kind: 'VolumeAttachment', metadata: { name: VA },
    spec: { attacher: D, nodeName: 'n1', source: { persistentVolumeName: 'pv1' } }, status: { attached: false },
  }]);
  assert.equal(plan.volumesAttached, undefined);
  const attached = planAttachDetach(inputs({ attachments: [va({ attached: true })] }));
  assert.deepEqual(attached.create, []);
  assert.deepEqual(attached.volumesAttached, [{ name: UNIQUE, devicePath: '' }]);
  // Already reported: nothing to write.
  assert.equal(planAttachDetach(inputs({ node: node({ volumesAttached: [{ name: UNIQUE, devicePath: '' }] }), attachments: [va({ attached: true })] })).volumesAttached, undefined);
});

test('no attachment when the driver says attachRequired: false, or the node attaches its own', () => {
  const noAttach = { [D]: { metadata: { name: D }, spec: { attachRequired: false } } };
  assert.deepEqual(planAttachDetach(inputs({}, noAttach)).create, []);
  assert.deepEqual(planAttachDetach(inputs({ node: node({}, false) })).create, []);
  // No CSIDriver object at all: attach, as upstream.
  assert.equal(planAttachDetach(inputs()).create.length, 1);
});

test('an unused attachment is detached once the kubelet has unmounted it, or after the wait', () => {
  const done = pod({ status: { phase: 'Succeeded' } });
  const mounted = inputs({ pods: [done], node: node({ volumesInUse: [UNIQUE], volumesAttached: [{ name: UNIQUE, devicePath: '' }] }), attachments: [va({ attached: true })] });
  const waiting = planAttachDetach(mounted);
  assert.deepEqual(waiting.waitingForUnmount, [VA]);
  assert.deepEqual(waiting.detach, []);
  assert.equal(waiting.volumesAttached, undefined);
  const timedOut = planAttachDetach({ ...mounted, detachWantedSince: () => mounted.now - MAX_WAIT_FOR_UNMOUNT_MS });
  assert.deepEqual(timedOut.detach, [VA]);
  const unmounted = planAttachDetach({ ...mounted, node: node({ volumesAttached: [{ name: UNIQUE, devicePath: '' }] }) });
  assert.deepEqual(unmounted.detach, [VA]);
  // Taken out of volumesAttached in the same step, before the delete.
  assert.deepEqual(unmounted.volumesAttached, []);
  // A node that is gone: detach without waiting.
  assert.deepEqual(planAttachDetach({ ...mounted, node: undefined, pods: [] }).detach, [VA]);
});

test('pods: terminated when finished, or deleted with nothing running', () => {
  assert.equal(podTerminated(pod({ status: { phase: 'Failed' } })), true);
  assert.equal(podTerminated(pod()), false);
  const deleting = { name: 'p', namespace: 'ns', deletionTimestamp: '2026-01-01T00:00:00Z' };
  assert.equal(podTerminated(pod({ metadata: deleting, status: { phase: 'Running', containerStatuses: [{ name: 'a', image: 'i', imageID: '', ready: false, restartCount: 0, state: { running: {} } }] } })), false);
  assert.equal(podTerminated(pod({ metadata: deleting, status: { phase: 'Running', containerStatuses: [{ name: 'a', image: 'i', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 0 } } }] } })), true);
});

test('entries of other volume plugins in volumesAttached are kept', () => {
  const other = { name: 'kubernetes.io/local-volume/x', devicePath: '/dev/x' };
  const plan = planAttachDetach(inputs({ node: node({ volumesAttached: [other] }), attachments: [va({ attached: true })] }));
  assert.deepEqual(plan.volumesAttached, [other, { name: UNIQUE, devicePath: '' }]);
});
