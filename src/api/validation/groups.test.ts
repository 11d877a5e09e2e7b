import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateCreate, validateUpdate } from './index.js';
import { clusterScoped, defaulted, messages, namespaced } from './testing.js';
import { autoscalingDefaults } from '../defaults/autoscaling.js';
import { discoveryDefaults } from '../defaults/discovery.js';
import { networkingDefaults } from '../defaults/networking.js';
import { rbacDefaults } from '../defaults/rbac.js';
import { schedulingDefaults } from '../defaults/scheduling.js';
import { coreEventRules, leaseRules } from './coordination-events.js';
import { endpointSliceRules } from './discovery.js';
import { networkingRules } from './networking.js';
import { hpaRules, pdbRules } from './policy.js';
import { rbacRules } from './rbac.js';
import { priorityClassRules } from './scheduling.js';

test('ingress and network policy', () => {
  const ing = { metadata: { name: 'i', namespace: 'd' }, spec: { rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } };
  assert.deepEqual(validateCreate(networkingRules.Ingress, ing, namespaced), []);
  const bad = { metadata: { name: 'i', namespace: 'd' }, spec: { rules: [{ host: '10.0.0.1', http: { paths: [{ path: 'x', pathType: 'Exact', backend: { service: { name: 'web', port: {} } } }] } }] } };
  assert.deepEqual(messages(validateCreate(networkingRules.Ingress, bad, namespaced)), [
    'spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address',
    'spec.rules[0].http.paths[0].path: Invalid value: "x": must be an absolute path',
    'spec.rules[0].http.paths[0].backend: Required value: port name or number is required',
  ]);
  const np = defaulted(networkingDefaults.NetworkPolicy, { spec: { podSelector: {}, ingress: [{ from: [{}], ports: [{ port: 70000 }] }] } });
  assert.deepEqual(messages(validateCreate(networkingRules.NetworkPolicy, np, namespaced)), [
    'spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.ingress[0].from[0]: Required value: must specify a peer',
  ]);
});

test('disruption budgets and autoscalers', () => {
  const pdb = { metadata: { name: 'p', namespace: 'd' }, spec: { minAvailable: 1, maxUnavailable: '10%', selector: { matchLabels: { app: 'a' } } } };
  assert.deepEqual(messages(validateCreate(pdbRules, pdb, namespaced)), ['spec: Invalid value: policy.PodDisruptionBudgetSpec{...}: minAvailable and maxUnavailable cannot be both set']);
  const hpa = defaulted(autoscalingDefaults.HorizontalPodAutoscaler, { spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 3, maxReplicas: 2 } });
  assert.deepEqual(messages(validateCreate(hpaRules, hpa, namespaced)), ['spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`']);
});

test('rbac: subjects, role refs, immutable roleRef', () => {
  const rb = defaulted(rbacDefaults.RoleBinding, { roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'u' }, { kind: 'Robot', name: 'x' }] });
  assert.deepEqual(messages(validateCreate(rbacRules.RoleBinding, rb, namespaced)), [
    'subjects[1].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
  ]);
  rb.subjects.pop();
  const changed = structuredClone(rb);
  changed.roleRef.name = 'other';
  assert.deepEqual(messages(validateUpdate(rbacRules.RoleBinding, changed, rb, namespaced)), [
    'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"other"}: cannot change roleRef',
  ]);
  const crb = defaulted(rbacDefaults.ClusterRoleBinding, { roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'ServiceAccount', name: 'sa' }] }, null);
  assert.deepEqual(messages(validateCreate(rbacRules.ClusterRoleBinding, crb, clusterScoped)), [
    'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
    'subjects[0].namespace: Required value',
  ]);
  const role = { metadata: { name: 'r', namespace: 'd' }, rules: [{ verbs: [], apiGroups: [''], resources: ['pods'] }] };
  assert.deepEqual(messages(validateCreate(rbacRules.Role, role, namespaced)), ['rules[0].verbs: Required value: verbs must contain at least one value']);
});

test('priority classes, leases, events and endpoint slices', () => {
  const pc = defaulted(schedulingDefaults.PriorityClass, { metadata: { name: 'high' }, value: 2000000000 }, null);
  assert.deepEqual(messages(validateCreate(priorityClassRules, pc, clusterScoped)), ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']);
  const ok = { ...pc, value: 10 };
  assert.deepEqual(messages(validateUpdate(priorityClassRules, { ...ok, value: 11 }, ok, clusterScoped)), ['value: Forbidden: may not be changed in an update.']);
  const lease = { metadata: { name: 'l', namespace: 'd' }, spec: { leaseDurationSeconds: 0 } };
  assert.deepEqual(messages(validateCreate(leaseRules, lease, namespaced)), ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']);
  const ev = { metadata: { name: 'p.1', namespace: 'd' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'other' } };
  assert.deepEqual(messages(validateCreate(coreEventRules, ev, namespaced)), ['involvedObject.namespace: Invalid value: "other": does not match event.namespace']);
  const es = defaulted(discoveryDefaults.EndpointSlice, { addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1', 'not-an-ip'] }], ports: [{ port: 80 }] });
  assert.deepEqual(messages(validateCreate(endpointSliceRules, es, namespaced)), ['endpoints[0].addresses[1]: Invalid value: "not-an-ip": must be a valid IPv4 address']);
  assert.deepEqual(messages(validateUpdate(endpointSliceRules, { ...es, addressType: 'FQDN', endpoints: [] }, es, namespaced)), ['addressType: Invalid value: "FQDN": field is immutable']);
});
