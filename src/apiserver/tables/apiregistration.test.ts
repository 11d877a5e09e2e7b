import assert from 'node:assert/strict';
import { test } from 'node:test';
import { columns, row } from './testing.js';

const group = 'apiregistration.k8s.io';

test('APIServices show their Service (or Local) and availability with the reason', () => {
  assert.deepEqual(columns(group, 'apiservices'), ['Name:string:name:0', 'Service:string::0', 'Available:string::0', 'Age:string::0']);
  const local = row(group, 'apiservices', { metadata: { name: 'v1.apps' }, spec: {}, status: { conditions: [{ type: 'Available', status: 'True', reason: 'Local' }] } });
  assert.deepEqual([local.Service, local.Available], ['Local', 'True']);
  const down = row(group, 'apiservices', { metadata: { name: 'v1.x.io' }, spec: { service: { namespace: 'ns', name: 'api' } }, status: { conditions: [{ type: 'Available', status: 'False', reason: 'MissingEndpoints' }] } });
  assert.deepEqual([down.Service, down.Available], ['ns/api', 'False (MissingEndpoints)']);
  assert.equal(row(group, 'apiservices', { metadata: { name: 'v1.y.io' }, spec: {} }).Available, 'Unknown');
});
