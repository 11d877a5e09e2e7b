import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ago, columns, row } from './testing.js';

test('configmaps count data and binaryData keys', () => {
  assert.deepEqual(columns('', 'configmaps'), ['Name:string:name:0', 'Data:string::0', 'Age:string::0']);
  const r = row('', 'configmaps', { metadata: { name: 'cfg', creationTimestamp: ago(45 * 60) }, data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } });
  assert.deepEqual(r, { Name: 'cfg', Data: 3, Age: '45m' });
  assert.equal(row('', 'configmaps', { metadata: { name: 'empty' } }).Data, 0);
});

test('secrets show type and data count', () => {
  assert.deepEqual(columns('', 'secrets'), ['Name:string:name:0', 'Type:string::0', 'Data:string::0', 'Age:string::0']);
  const r = row('', 'secrets', { metadata: { name: 'tls', creationTimestamp: ago(400 * 86400) }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'x', 'tls.key': 'y' } });
  assert.deepEqual(r, { Name: 'tls', Type: 'kubernetes.io/tls', Data: 2, Age: '400d' });
});

test('service accounts count their secrets', () => {
  assert.deepEqual(columns('', 'serviceaccounts'), ['Name:string:name:0', 'Secrets:string::0', 'Age:string::0']);
  assert.equal(row('', 'serviceaccounts', { metadata: { name: 'default' } }).Secrets, 0);
});
