import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ago, columns, row } from './testing.js';

test('namespaces show their phase', () => {
  assert.deepEqual(columns('', 'namespaces'), ['Name:string:name:0', 'Status:string::0', 'Age:string::0']);
  assert.deepEqual(row('', 'namespaces', { metadata: { name: 'kube-system', creationTimestamp: ago(3 * 3600) }, status: { phase: 'Active' } }), {
    Name: 'kube-system', Status: 'Active', Age: '3h',
  });
  assert.equal(row('', 'namespaces', { metadata: { name: 'gone', deletionTimestamp: ago(1) }, status: { phase: 'Terminating' } }).Status, 'Terminating');
});

test('leases show their holder', () => {
  assert.equal(row('coordination.k8s.io', 'leases', { metadata: { name: 'n1' }, spec: { holderIdentity: 'n1' } }).Holder, 'n1');
});

test('priority classes: PreemptionPolicy is a default column', () => {
  assert.deepEqual(columns('scheduling.k8s.io', 'priorityclasses'), [
    'Name:string:name:0', 'Value:integer::0', 'Global-Default:boolean::0', 'Age:string::0', 'PreemptionPolicy:string::0',
  ]);
  const r = row('scheduling.k8s.io', 'priorityclasses', { metadata: { name: 'system-node-critical' }, value: 2000001000, preemptionPolicy: 'PreemptLowerPriority' });
  assert.deepEqual([r.Value, r['Global-Default'], r.PreemptionPolicy], [2000001000, false, 'PreemptLowerPriority']);
});

test('certificate signing requests: condition and requested duration', () => {
  assert.deepEqual(columns('certificates.k8s.io', 'certificatesigningrequests'), [
    'Name:string:name:0', 'Age:string::0', 'SignerName:string::0', 'Requestor:string::0', 'RequestedDuration:string::0', 'Condition:string::0',
  ]);
  const r = row('certificates.k8s.io', 'certificatesigningrequests', {
    metadata: { name: 'csr-1' }, spec: { signerName: 'kubernetes.io/kube-apiserver-client-kubelet', username: 'system:node:n1', expirationSeconds: 86400 },
    status: { conditions: [{ type: 'Approved', status: 'True' }], certificate: 'LS0t' },
  });
  assert.deepEqual([r.Condition, r.RequestedDuration, r.Requestor], ['Approved,Issued', '24h', 'system:node:n1']);
  assert.equal(row('certificates.k8s.io', 'certificatesigningrequests', { metadata: { name: 'c' }, spec: {} }).Condition, 'Pending');
});

test('resource quotas split requests and limits, sorted by resource', () => {
  const r = row('', 'resourcequotas', {
    metadata: { name: 'q' },
    status: { hard: { pods: '10', 'limits.cpu': '2', 'requests.cpu': '1' }, used: { pods: '3', 'requests.cpu': '500m' } },
  });
  assert.equal(r.Request, 'pods: 3/10, requests.cpu: 500m/1');
  assert.equal(r.Limit, 'limits.cpu: 0/2');
});
