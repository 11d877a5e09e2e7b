import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ago, columns, row } from './testing.js';

const template = { spec: { containers: [{ name: 'web', image: 'nginx:1.25' }, { name: 'log', image: 'busybox' }] } };

test('deployment columns and cells', () => {
  assert.deepEqual(columns('apps', 'deployments'), [
    'Name:string:name:0', 'Ready:string::0', 'Up-to-date:string::0', 'Available:string::0', 'Age:string::0',
    'Containers:string::1', 'Images:string::1', 'Selector:string::1',
  ]);
  const r = row('apps', 'deployments', {
    metadata: { name: 'web', creationTimestamp: ago(3 * 3600 + 60) },
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] }, template },
    status: { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
  });
  assert.deepEqual(r, {
    Name: 'web', Ready: '2/3', 'Up-to-date': 3, Available: 2, Age: '3h1m',
    Containers: 'web,log', Images: 'nginx:1.25,busybox', Selector: 'app=web,tier in (a,b)',
  });
});

test('deployment without status reads 0 ready', () => {
  const r = row('apps', 'deployments', { metadata: { name: 'new' }, spec: { replicas: 2, selector: {}, template } });
  assert.equal(r.Ready, '0/2');
  assert.equal(r['Up-to-date'], 0);
  assert.equal(r.Age, '<unknown>');
  assert.equal(r.Selector, '');
});

test('replica sets print integer counts and a formatted selector', () => {
  assert.deepEqual(columns('apps', 'replicasets'), [
    'Name:string:name:0', 'Desired:integer::0', 'Current:integer::0', 'Ready:integer::0', 'Age:string::0',
    'Containers:string::1', 'Images:string::1', 'Selector:string::1',
  ]);
  const r = row('apps', 'replicasets', { metadata: { name: 'web-1' }, spec: { replicas: 2, selector: { matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, template }, status: { replicas: 2, readyReplicas: 1 } });
  assert.deepEqual([r.Desired, r.Current, r.Ready, r.Selector], [2, 2, 1, '!env']);
});

test('stateful sets show ready/desired; daemon sets their node selector', () => {
  assert.deepEqual(columns('apps', 'statefulsets'), ['Name:string:name:0', 'Ready:string::0', 'Age:string::0', 'Containers:string::1', 'Images:string::1']);
  assert.equal(row('apps', 'statefulsets', { metadata: { name: 'db' }, spec: { replicas: 3, template }, status: { readyReplicas: 1 } }).Ready, '1/3');
  const ds = row('apps', 'daemonsets', {
    metadata: { name: 'agent' },
    spec: { selector: { matchLabels: { app: 'agent' } }, template: { spec: { ...template.spec, nodeSelector: { 'kubernetes.io/os': 'linux' } } } },
    status: { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 1, updatedNumberScheduled: 2, numberAvailable: 1 },
  });
  assert.equal(ds['Node Selector'], 'kubernetes.io/os=linux');
  assert.equal(ds['Up-to-date'], 2);
  assert.equal(ds.Selector, 'app=agent');
});

test('controller revisions name their controller as kind.group/name', () => {
  const r = row('apps', 'controllerrevisions', {
    metadata: { name: 'db-5d4f', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u', controller: true }] },
    revision: 4,
  });
  assert.equal(r.Controller, 'statefulset.apps/db');
  assert.equal(r.Revision, 4);
});
