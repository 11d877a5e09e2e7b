import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ago, columns, row } from './testing.js';
import type { Obj } from './types.js';

const svc = (spec: Obj, status: Obj = {}) => row('', 'services', { metadata: { name: 's', creationTimestamp: ago(59) }, spec, status });

test('service columns', () => {
  assert.deepEqual(columns('', 'services'), [
    'Name:string:name:0', 'Type:string::0', 'Cluster-IP:string::0', 'External-IP:string::0', 'Port(s):string::0', 'Age:string::0', 'Selector:string::1',
  ]);
});

test('ClusterIP service', () => {
  assert.deepEqual(svc({ type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], selector: { app: 'dns', tier: 'a' }, ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }), {
    Name: 's', Type: 'ClusterIP', 'Cluster-IP': '10.96.0.10', 'External-IP': '<none>', 'Port(s)': '53/UDP,53/TCP', Age: '59s', Selector: 'app=dns,tier=a',
  });
});

test('headless service without selector or ports', () => {
  const r = svc({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'] });
  assert.equal(r['Cluster-IP'], 'None');
  assert.equal(r['Port(s)'], '<none>');
  assert.equal(r.Selector, '<none>');
});

test('NodePort service shows port:nodePort/protocol and its external IPs', () => {
  const r = svc({ type: 'NodePort', clusterIPs: ['10.96.1.1'], externalIPs: ['192.0.2.1'], ports: [{ port: 80, targetPort: 8080, nodePort: 30080, protocol: 'TCP' }] });
  assert.equal(r['Port(s)'], '80:30080/TCP');
  assert.equal(r['External-IP'], '192.0.2.1');
});

test('LoadBalancer service: <pending> until ingress, then sorted ingress plus external IPs', () => {
  const spec = { type: 'LoadBalancer', clusterIPs: ['10.96.2.2'], ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }] };
  assert.equal(svc(spec)['External-IP'], '<pending>');
  const ready = svc({ ...spec, externalIPs: ['192.0.2.9'] }, { loadBalancer: { ingress: [{ ip: '203.0.113.7' }, { hostname: 'lb.example.com' }] } });
  assert.equal(ready['External-IP'], '203.0.113.7,lb.example.com,192.0.2.9');
  assert.equal(ready['Port(s)'], '443:31443/TCP');
});

test('ExternalName service shows its external name', () => {
  const r = svc({ type: 'ExternalName', externalName: 'db.example.com' });
  assert.equal(r.Type, 'ExternalName');
  assert.equal(r['Cluster-IP'], '<none>');
  assert.equal(r['External-IP'], 'db.example.com');
});

test('endpoints list three ip:port pairs then a count of the rest', () => {
  const addresses = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'].map(ip => ({ ip }));
  const r = row('', 'endpoints', { metadata: { name: 'web' }, subsets: [{ addresses, ports: [{ port: 80 }, { port: 443 }] }] });
  assert.equal(r.Endpoints, '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 5 more...');
  assert.equal(row('', 'endpoints', { metadata: { name: 'none' } }).Endpoints, '<none>');
  assert.equal(row('', 'endpoints', { metadata: { name: 'v6' }, subsets: [{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] }] }).Endpoints, '[fd00::1]:80');
});

test('endpoint slices list ports and addresses', () => {
  assert.deepEqual(columns('discovery.k8s.io', 'endpointslices'), ['Name:string:name:0', 'AddressType:string::0', 'Ports:string::0', 'Endpoints:string::0', 'Age:string::0']);
  const r = row('discovery.k8s.io', 'endpointslices', {
    metadata: { name: 'web-abc' }, addressType: 'IPv4', ports: [{ name: 'http', port: 80 }, { name: 'any' }], endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2'] }],
  });
  assert.deepEqual([r.AddressType, r.Ports, r.Endpoints], ['IPv4', '80,any', '10.0.0.1,10.0.0.2']);
  assert.equal(row('discovery.k8s.io', 'endpointslices', { metadata: { name: 'e' }, addressType: 'IPv4' }).Endpoints, '<unset>');
});
