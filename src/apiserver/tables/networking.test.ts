import assert from 'node:assert/strict';
import { test } from 'node:test';
import { columns, row } from './testing.js';

test('ingress columns and cells', () => {
  assert.deepEqual(columns('networking.k8s.io', 'ingresses'), [
    'Name:string:name:0', 'Class:string::0', 'Hosts:string::0', 'Address:string::0', 'Ports:string::0', 'Age:string::0',
  ]);
  const rules = ['a.example', 'b.example', '', 'c.example', 'd.example'].map(host => (host ? { host } : {}));
  const r = row('networking.k8s.io', 'ingresses', {
    metadata: { name: 'web' }, spec: { ingressClassName: 'nginx', rules, tls: [{ hosts: ['a.example'] }] },
    status: { loadBalancer: { ingress: [{ ip: '192.0.2.5' }, { ip: '192.0.2.4' }] } },
  });
  assert.deepEqual([r.Class, r.Hosts, r.Address, r.Ports], ['nginx', 'a.example,b.example,c.example + 2 more...', '192.0.2.4,192.0.2.5', '80, 443']);
  const bare = row('networking.k8s.io', 'ingresses', { metadata: { name: 'default-backend' }, spec: { defaultBackend: {} } });
  assert.deepEqual([bare.Class, bare.Hosts, bare.Address, bare.Ports], ['<none>', '*', '', '80']);
});

test('ingress classes name their parameters as Kind.group/name', () => {
  const r = row('networking.k8s.io', 'ingressclasses', { metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'p' } } });
  assert.deepEqual([r.Controller, r.Parameters], ['k8s.io/ingress-nginx', 'IngressParameters.k8s.example.com/p']);
});

test('network policies show their pod selector, <none> for all pods', () => {
  assert.equal(row('networking.k8s.io', 'networkpolicies', { metadata: { name: 'deny' }, spec: { podSelector: {} } })['Pod-Selector'], '<none>');
  assert.equal(row('networking.k8s.io', 'networkpolicies', { metadata: { name: 'db' }, spec: { podSelector: { matchLabels: { role: 'db' } } } })['Pod-Selector'], 'role=db');
});
