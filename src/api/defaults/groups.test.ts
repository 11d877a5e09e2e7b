import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admissionDefaults } from './admissionregistration.js';
import { autoscalingDefaults } from './autoscaling.js';
import { discoveryDefaults } from './discovery.js';
import { networkingDefaults } from './networking.js';
import { rbacDefaults } from './rbac.js';
import { schedulingDefaults } from './scheduling.js';
import { storageDefaults } from './storage.js';

test('horizontal pod autoscaler v2: metrics and behavior', () => {
  const hpa: any = { spec: { maxReplicas: 5, behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } } };
  autoscalingDefaults.HorizontalPodAutoscaler(hpa, 'v2');
  assert.equal(hpa.spec.minReplicas, 1);
  assert.deepEqual(hpa.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
  assert.deepEqual(hpa.spec.behavior, {
    scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] },
    scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
  });
  const v1: any = { spec: { maxReplicas: 5 } };
  autoscalingDefaults.HorizontalPodAutoscaler(v1, 'v1');
  assert.deepEqual(v1.spec, { maxReplicas: 5, minReplicas: 1 });
});

test('network policy, RBAC, storage, discovery, scheduling and webhooks', () => {
  const np: any = { spec: { podSelector: {}, egress: [{ ports: [{ port: 53 }] }] } };
  networkingDefaults.NetworkPolicy(np, 'v1');
  assert.deepEqual(np.spec.policyTypes, ['Ingress', 'Egress']);
  assert.equal(np.spec.egress[0].ports[0].protocol, 'TCP');
  const rb: any = { roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'u' }, { kind: 'ServiceAccount', name: 's', namespace: 'n' }] };
  rbacDefaults.RoleBinding(rb, 'v1');
  assert.equal(rb.roleRef.apiGroup, 'rbac.authorization.k8s.io');
  assert.deepEqual(rb.subjects.map((s: any) => s.apiGroup), ['rbac.authorization.k8s.io', '']);
  const sc: any = { provisioner: 'x' };
  storageDefaults.StorageClass(sc, 'v1');
  assert.deepEqual(sc, { provisioner: 'x', reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' });
  const es: any = { addressType: 'IPv4', ports: [{ port: 80 }] };
  discoveryDefaults.EndpointSlice(es, 'v1');
  assert.deepEqual(es.ports, [{ port: 80, name: '', protocol: 'TCP' }]);
  const pc: any = { value: 10 };
  schedulingDefaults.PriorityClass(pc, 'v1');
  assert.equal(pc.preemptionPolicy, 'PreemptLowerPriority');
  const mwc: any = { webhooks: [{ name: 'w.example.com', clientConfig: { service: { name: 's', namespace: 'n' } }, rules: [{ operations: ['CREATE'] }] }] };
  admissionDefaults.MutatingWebhookConfiguration(mwc, 'v1');
  const [w] = mwc.webhooks;
  assert.deepEqual([w.failurePolicy, w.matchPolicy, w.timeoutSeconds, w.reinvocationPolicy, w.rules[0].scope, w.clientConfig.service.port], ['Fail', 'Equivalent', 10, 'Never', '*', 443]);
  assert.deepEqual([w.namespaceSelector, w.objectSelector], [{}, {}]);
});
