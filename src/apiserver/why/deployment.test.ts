import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, Pod, ReplicaSet } from '../../api/types/generated.js';
import type { Event } from './common.js';
import { explainDeployment } from './deployment.js';

const rs = (name: string, revision: string, replicas: number, ready: number): ReplicaSet => ({
  apiVersion: 'apps/v1', kind: 'ReplicaSet',
  metadata: { name, uid: name, annotations: { 'deployment.kubernetes.io/revision': revision } },
  spec: { replicas, selector: {} }, status: { replicas, readyReplicas: ready },
});

test('a rollout past its deadline: the condition, old and new ReplicaSets, the new one\'s FailedCreate, the pods not ready', () => {
  const d: Deployment = {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'd', generation: 2, annotations: { 'deployment.kubernetes.io/revision': '2' } },
    spec: { replicas: 2, selector: {}, template: {} },
    status: {
      observedGeneration: 2, replicas: 3, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2,
      conditions: [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
        { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-2" has timed out progressing.' },
      ],
    },
  };
  const pending: Pod = { metadata: { name: 'web-2-a', uid: 'p' }, spec: { containers: [{ name: 'c' }] }, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available: 1 Insufficient cpu.' }] } };
  const readyPod: Pod = { metadata: { name: 'web-1-a', uid: 'q' }, spec: { nodeName: 'n', containers: [{ name: 'c' }] }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } };
  const failedCreate: Event = { metadata: { name: 'e' }, involvedObject: { uid: 'web-2' }, type: 'Warning', reason: 'FailedCreate', message: 'Error creating: pods "web-2-b" is forbidden: exceeded quota: pods', lastTimestamp: '2026-01-01T00:00:00Z' };
  const e = explainDeployment(d, { replicaSets: [rs('web-1', '1', 2, 2), rs('web-2', '2', 1, 0)], pods: [pending, readyPod], eventsOf: uid => (uid === 'web-2' ? [failedCreate] : []) });
  assert.equal(e.summary, 'Rollout stuck: ProgressDeadlineExceeded: ReplicaSet "web-2" has timed out progressing. (1 of 2 updated, 2 available)');
  const find = (title: string) => e.sections.find(s => s.title === title)!.findings;
  assert.deepEqual(find('ReplicaSets').map(f => [f.severity, f.subject, f.text]), [
    ['warning', 'replicaset/web-2', 'new: 1 desired, 1 current, 0 ready'],
    ['error', 'replicaset/web-2 FailedCreate', failedCreate.message],
    ['info', 'replicaset/web-1', 'old: 2 desired, 2 current, 2 ready'],
  ]);
  assert.deepEqual(find('Pods not ready').map(f => [f.subject, f.text]), [['pod/web-2-a', 'Pending: not scheduled: 0/1 nodes are available: 1 Insufficient cpu.']]);
  assert.deepEqual(find('Conditions').map(f => [f.severity, f.subject]), [['ok', 'condition/Available'], ['warning', 'condition/Progressing']]);
  assert.deepEqual(find('Rollout').map(f => [f.severity, f.subject, f.text]), [['warning', 'updated', '1 of 2'], ['ok', 'ready', '2 of 2'], ['ok', 'available', '2 of 2']]);
});

test('an available Deployment', () => {
  const d: Deployment = { metadata: { name: 'ok' }, spec: { replicas: 1, selector: {}, template: {} }, status: { replicas: 1, updatedReplicas: 1, availableReplicas: 1, readyReplicas: 1 } };
  const e = explainDeployment(d, { replicaSets: [], pods: [], eventsOf: () => [] });
  assert.equal(e.summary, 'Available: 1 of 1 replicas available');
  assert.equal(e.severity, 'ok');
});
