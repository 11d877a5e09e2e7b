import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateCreate, validateUpdate } from './index.js';
import { clusterScoped, defaulted, messages, namespaced } from './testing.js';
import { coreDefaults } from '../defaults/core.js';
import { clusterRules } from './cluster.js';
import { configMapRules, secretRules } from './config.js';
import { serviceRules } from './service.js';

const service = (spec: object) => defaulted(coreDefaults.Service, { spec });

test('services: ports, names, types, external names', () => {
  assert.deepEqual(validateCreate(serviceRules, service({ selector: { app: 'a' }, ports: [{ port: 80 }] }), namespaced), []);
  assert.deepEqual(validateCreate(serviceRules, service({ clusterIP: 'None' }), namespaced), []);
  assert.deepEqual(messages(validateCreate(serviceRules, service({}), namespaced)), ['spec.ports: Required value']);
  assert.deepEqual(messages(validateCreate(serviceRules, service({ type: 'Magic', ports: [{ port: 0 }, { port: 80, name: 'web' }, { port: 80, name: 'web', nodePort: 30000 }] }), namespaced)), [
    'spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    'spec.ports[0].name: Required value',
    'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
    'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
    'spec.ports[2].name: Duplicate value: "web"',
    'spec.ports[2]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
  ]);
  assert.deepEqual(messages(validateCreate(serviceRules, service({ type: 'ExternalName' }), namespaced)), ['spec.externalName: Required value']);
  assert.deepEqual(validateCreate(serviceRules, service({ type: 'ExternalName', externalName: 'db.example.com.' }), namespaced), []);
});

test('service cluster IPs are fixed once set', () => {
  const old = service({ ports: [{ port: 80 }], clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'] });
  const next = structuredClone(old);
  next.spec.clusterIP = '10.96.0.11';
  next.spec.clusterIPs = ['10.96.0.11'];
  assert.deepEqual(messages(validateUpdate(serviceRules, next, old, namespaced)), ['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.11"}: may not change once set']);
});

test('configmaps and secrets: keys, types, immutability', () => {
  const cm = { metadata: { name: 'c', namespace: 'x' }, data: { 'bad key': 'v', ok: 'v' }, binaryData: { ok: 'eA==' } };
  assert.deepEqual(messages(validateCreate(configMapRules, cm, namespaced)), [
    `data[bad key]: Invalid value: "bad key": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
    'data[ok]: Invalid value: "ok": duplicate of key present in binaryData',
    'binaryData[ok]: Invalid value: "ok": duplicate of key present in data',
  ]);
  const protoKeys = JSON.parse('{"metadata":{"name":"c","namespace":"x"},"data":{"__proto__":"p","constructor":"c"},"binaryData":{"toString":"eA=="}}');
  assert.deepEqual(messages(validateCreate(configMapRules, protoKeys, namespaced)), [], 'keys named like Object.prototype members are ordinary keys');
  const secretKeys = defaulted(coreDefaults.Secret, JSON.parse('{"stringData":{"__proto__":"p","constructor":"c"}}'));
  assert.equal(JSON.stringify(secretKeys.data), '{"__proto__":"cA==","constructor":"Yw=="}', 'stringData keys reach data');
  assert.deepEqual(messages(validateCreate(secretRules, secretKeys, namespaced)), []);
  const big = { metadata: { name: 'c', namespace: 'x' }, data: { a: 'x'.repeat(1024 * 1024 + 1) } };
  assert.deepEqual(messages(validateCreate(configMapRules, big, namespaced)), [': Too long: must have at most 1048576 bytes']);
  const tls = defaulted(coreDefaults.Secret, { type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==' } });
  assert.deepEqual(messages(validateCreate(secretRules, tls, namespaced)), ['data[tls.key]: Required value']);
  const frozen = { metadata: { name: 'c', namespace: 'x' }, immutable: true, data: { a: '1' } };
  assert.deepEqual(messages(validateUpdate(configMapRules, { ...frozen, data: { a: '2' } }, frozen, namespaced)), ['data: Forbidden: field is immutable when `immutable` is set']);
  const secret = defaulted(coreDefaults.Secret, { data: { a: 'eA==' } });
  assert.deepEqual(messages(validateUpdate(secretRules, { ...secret, type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } }, secret, namespaced)), ['type: Invalid value: "kubernetes.io/tls": field is immutable']);
});

test('namespaces and nodes', () => {
  assert.deepEqual(validateCreate(clusterRules.Namespace, defaulted(coreDefaults.Namespace, { metadata: { name: 'team-a' }, spec: { finalizers: ['kubernetes'] } }, null), clusterScoped), []);
  assert.deepEqual(messages(validateCreate(clusterRules.Namespace, { metadata: { name: 'n' }, spec: { finalizers: ['custom'] } }, clusterScoped)), [
    'spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified',
  ]);
  const node = { metadata: { name: 'n1' }, spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'], taints: [{ key: 'k', effect: 'Sometimes' }] } };
  assert.deepEqual(messages(validateCreate(clusterRules.Node, node, clusterScoped)), [
    'spec.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
  ]);
});

test('services: loadBalancerSourceRanges (or its annotation) only for LoadBalancer, each a CIDR', () => {
  const lb = (spec: object, annotations?: Record<string, string>) => ({ ...service({ type: 'LoadBalancer', ports: [{ port: 80 }], ...spec }), metadata: { name: 's', namespace: 'default', ...(annotations ? { annotations } : {}) } });
  assert.deepEqual(validateCreate(serviceRules, lb({ loadBalancerSourceRanges: ['10.0.0.0/8', ' 192.0.2.0/24 ', '::/0'] }), namespaced), []);
  assert.deepEqual(messages(validateCreate(serviceRules, lb({ loadBalancerSourceRanges: ['10.0.0.0/33', 'x'] }), namespaced)), [
    'spec.LoadBalancerSourceRanges: Invalid value: "[10.0.0.0/33 x]": must be a list of IP ranges. For example, 10.240.0.0/24,10.250.0.0/24 ',
  ]);
  assert.deepEqual(messages(validateCreate(serviceRules, lb({ type: 'NodePort', loadBalancerSourceRanges: ['10.0.0.0/8'] }), namespaced)), [
    "spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'",
  ]);
  const key = 'service.beta.kubernetes.io/load-balancer-source-ranges';
  assert.deepEqual(validateCreate(serviceRules, lb({}, { [key]: '10.0.0.0/8,192.0.2.0/24' }), namespaced), []);
  assert.deepEqual(messages(validateCreate(serviceRules, lb({}, { [key]: '10.0.0.0/8,nope' }), namespaced)), [
    `metadata.annotations[${key}]: Invalid value: "10.0.0.0/8,nope": must be a list of IP ranges. For example, 10.240.0.0/24,10.250.0.0/24 `,
  ]);
});
