import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appsDefaults } from './apps.js';

const template = () => ({ metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } });

test('deployment defaults', () => {
  const dep: any = { metadata: { name: 'd' }, spec: { selector: { matchLabels: { app: 'a' } }, template: template() } };
  appsDefaults.Deployment(dep, 'v1');
  assert.equal(dep.spec.replicas, 1);
  assert.deepEqual(dep.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(dep.spec.revisionHistoryLimit, 10);
  assert.equal(dep.spec.progressDeadlineSeconds, 600);
  assert.equal(dep.spec.template.spec.containers[0].imagePullPolicy, 'IfNotPresent');
  assert.equal(dep.spec.template.spec.enableServiceLinks, undefined);
  assert.equal(dep.metadata.labels, undefined);
  const recreate: any = { spec: { strategy: { type: 'Recreate' }, template: template() } };
  appsDefaults.Deployment(recreate, 'v1');
  assert.deepEqual(recreate.spec.strategy, { type: 'Recreate' });
});

test('statefulset, daemonset and replicaset defaults', () => {
  const sts: any = { spec: { template: template(), volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: {} }] } };
  appsDefaults.StatefulSet(sts, 'v1');
  assert.equal(sts.spec.replicas, 1);
  assert.equal(sts.spec.podManagementPolicy, 'OrderedReady');
  assert.deepEqual(sts.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  assert.deepEqual(sts.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
  assert.deepEqual(sts.spec.volumeClaimTemplates[0], { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { volumeMode: 'Filesystem' }, status: { phase: 'Pending' } });
  const explicit: any = { spec: { updateStrategy: { type: 'RollingUpdate' }, template: template() } };
  appsDefaults.StatefulSet(explicit, 'v1');
  assert.deepEqual(explicit.spec.updateStrategy, { type: 'RollingUpdate' });
  const ds: any = { spec: { template: template() } };
  appsDefaults.DaemonSet(ds, 'v1');
  assert.deepEqual(ds.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  assert.equal(ds.spec.revisionHistoryLimit, 10);
  const rs: any = { spec: { template: template() } };
  appsDefaults.ReplicaSet(rs, 'v1');
  assert.equal(rs.spec.replicas, 1);
});
