import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PersistentVolume, PersistentVolumeClaim } from '../../api/types/generated.js';
import { nodeResizePendingStatus, planResize, resizeFinishedStatus, resizeStartedStatus } from './resize-plan.js';

const D = 'hostpath.csi.k8s.io';
const pv = (size: string, driver = D): PersistentVolume => ({ metadata: { name: 'pv1' }, spec: { capacity: { storage: size }, csi: { driver, volumeHandle: 'v' } } });
const claim = (requested: string, capacity: string, conditions: string[] = []): PersistentVolumeClaim => ({
  metadata: { name: 'c', namespace: 'ns' },
  spec: { volumeName: 'pv1', resources: { requests: { storage: requested } } },
  status: { phase: 'Bound', capacity: { storage: capacity }, conditions: conditions.map(type => ({ type, status: 'True' })) },
});

test('a claim asking for more than its capacity is expanded at the driver', () => {
  assert.deepEqual(planResize(claim('2Gi', '1Gi'), pv('1Gi'), D), { action: 'expand', requested: '2Gi' });
  assert.deepEqual(planResize(claim('1Gi', '1Gi'), pv('1Gi'), D), { action: 'none' });
  assert.deepEqual(planResize(claim('2Gi', '1Gi'), pv('1Gi', 'other'), D), { action: 'none' });
  assert.deepEqual(planResize({ ...claim('2Gi', '1Gi'), status: { phase: 'Pending' } }, pv('1Gi'), D), { action: 'none' });
});

test('a PV already grown: the node finishes, or an interrupted resize is asked of the driver again', () => {
  assert.deepEqual(planResize(claim('2Gi', '1Gi', ['FileSystemResizePending']), pv('2Gi'), D), { action: 'none' });
  assert.deepEqual(planResize(claim('2Gi', '1Gi', ['Resizing']), pv('2Gi'), D), { action: 'expand', requested: '2Gi' });
  assert.deepEqual(planResize(claim('2Gi', '1Gi'), pv('2Gi'), D), { action: 'none' });
});

test('claim status through the resize', () => {
  const c = claim('2Gi', '1Gi');
  const started = resizeStartedStatus(c, '2Gi');
  assert.deepEqual(started.conditions!.map(x => [x.type, x.status]), [['Resizing', 'True']]);
  assert.deepEqual(started.allocatedResources, { storage: '2Gi' });
  assert.deepEqual(started.allocatedResourceStatuses, { storage: 'ControllerResizeInProgress' });
  const mid = { ...c, status: { ...c.status, ...started } } as PersistentVolumeClaim;
  const pending = nodeResizePendingStatus(mid);
  assert.deepEqual(pending.conditions!.map(x => [x.type, x.status]), [['FileSystemResizePending', 'True']]);
  assert.deepEqual(pending.allocatedResourceStatuses, { storage: 'NodeResizePending' });
  const done = resizeFinishedStatus(mid, '2Gi');
  assert.deepEqual(done.capacity, { storage: '2Gi' });
  assert.deepEqual(done.conditions, []);
  assert.equal(done.allocatedResourceStatuses, null);
});
