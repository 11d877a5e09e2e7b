import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ago, columns, row } from './testing.js';

test('event columns: Object and Message by default, the rest wide', () => {
  const want = [
    'Last Seen:string::0', 'Type:string::0', 'Reason:string::0', 'Object:string::0', 'Subobject:string::1', 'Source:string::1',
    'Message:string::0', 'First Seen:string::1', 'Count:string::1', 'Name:string:name:1',
  ];
  assert.deepEqual(columns('', 'events'), want);
  assert.deepEqual(columns('events.k8s.io', 'events'), want);
});

test('core event with timestamps and count', () => {
  const r = row('', 'events', {
    metadata: { name: 'web-1.17c', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'web-1', fieldPath: 'spec.containers{app}' },
    reason: 'Pulled', message: 'Successfully pulled image\n', type: 'Normal',
    source: { component: 'kubelet', host: 'n1' }, firstTimestamp: ago(600), lastTimestamp: ago(30), count: 4,
  });
  assert.deepEqual(r, {
    'Last Seen': '30s', Type: 'Normal', Reason: 'Pulled', Object: 'pod/web-1', Subobject: 'spec.containers{app}', Source: 'kubelet, n1',
    Message: 'Successfully pulled image', 'First Seen': '10m', Count: 4, Name: 'web-1.17c',
  });
});

test('new-style core event: eventTime, series and reporting controller', () => {
  const r = row('', 'events', {
    metadata: { name: 'e' }, involvedObject: { kind: 'Node' }, reason: 'Scheduled', type: 'Normal', message: 'm',
    eventTime: '2024-05-01T11:58:00.000000Z', reportingComponent: 'default-scheduler', series: { count: 7, lastObservedTime: '2024-05-01T11:59:50.000000Z' },
  });
  assert.deepEqual([r['First Seen'], r['Last Seen'], r.Count, r.Object, r.Source], ['2m', '10s', 7, 'node', 'default-scheduler']);
});

test('events.k8s.io events map regarding/note/reportingController onto the core columns', () => {
  const r = row('events.k8s.io', 'events', {
    metadata: { name: 'ev' }, eventTime: ago(90), regarding: { kind: 'Deployment', name: 'web' }, note: 'Scaled up',
    reason: 'ScalingReplicaSet', type: 'Normal', reportingController: 'deployment-controller', reportingInstance: 'cm-1', action: 'Scale',
  });
  assert.deepEqual(r, {
    'Last Seen': '90s', Type: 'Normal', Reason: 'ScalingReplicaSet', Object: 'deployment/web', Subobject: '', Source: 'deployment-controller, cm-1',
    Message: 'Scaled up', 'First Seen': '90s', Count: 1, Name: 'ev',
  });
});
