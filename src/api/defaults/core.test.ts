import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coreDefaults } from './core.js';

test('service defaults', () => {
  const svc: any = { spec: { selector: { app: 'a' }, ports: [{ port: 80 }, { port: 53, protocol: 'UDP', targetPort: 'dns' }] } };
  coreDefaults.Service(svc, 'v1');
  assert.deepEqual(svc.spec, {
    selector: { app: 'a' },
    ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }, { port: 53, protocol: 'UDP', targetPort: 'dns' }],
    sessionAffinity: 'None', type: 'ClusterIP', internalTrafficPolicy: 'Cluster', ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'],
  });
  const lb: any = { spec: { type: 'LoadBalancer', sessionAffinity: 'ClientIP', ports: [{ port: 1 }] }, status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } } };
  coreDefaults.Service(lb, 'v1');
  assert.equal(lb.spec.externalTrafficPolicy, 'Cluster');
  assert.equal(lb.spec.allocateLoadBalancerNodePorts, true);
  assert.deepEqual(lb.spec.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
  assert.equal(lb.status.loadBalancer.ingress[0].ipMode, 'VIP');
  const ext: any = { spec: { type: 'ExternalName', externalName: 'example.com' } };
  coreDefaults.Service(ext, 'v1');
  assert.deepEqual(ext.spec, { type: 'ExternalName', externalName: 'example.com', sessionAffinity: 'None' });
  const headless: any = { spec: { clusterIP: 'None' } };
  coreDefaults.Service(headless, 'v1');
  assert.equal(headless.spec.ipFamilyPolicy, 'RequireDualStack');
});

test('replication controller takes selector and labels from its template', () => {
  const rc: any = { metadata: { name: 'r' }, spec: { template: { metadata: { labels: { app: 'a' } }, spec: { containers: [] } } } };
  coreDefaults.ReplicationController(rc, 'v1');
  assert.equal(rc.spec.replicas, 1);
  assert.deepEqual(rc.spec.selector, { app: 'a' });
  assert.deepEqual(rc.metadata.labels, { app: 'a' });
  assert.equal(rc.spec.template.spec.dnsPolicy, 'ClusterFirst');
});

test('secret, namespace, node, volumes and limit ranges', () => {
  const secret: any = { stringData: { a: 'hi' }, data: { a: 'b2xk', b: 'eA==' } };
  coreDefaults.Secret(secret, 'v1');
  assert.deepEqual(secret, { type: 'Opaque', data: { a: 'aGk=', b: 'eA==' } });
  const ns: any = { metadata: { name: 'team', labels: { x: 'y' } } };
  coreDefaults.Namespace(ns, 'v1');
  assert.deepEqual(ns.metadata.labels, { x: 'y', 'kubernetes.io/metadata.name': 'team' });
  assert.equal(ns.status.phase, 'Active');
  const node: any = { metadata: { name: 'n' }, status: { capacity: { cpu: '4' } } };
  coreDefaults.Node(node, 'v1');
  assert.deepEqual(node.status.allocatable, { cpu: '4' });
  const pv: any = { spec: {} };
  coreDefaults.PersistentVolume(pv, 'v1');
  assert.deepEqual(pv, { spec: { persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem' }, status: { phase: 'Pending' } });
  const pvc: any = { spec: {} };
  coreDefaults.PersistentVolumeClaim(pvc, 'v1');
  assert.deepEqual(pvc, { spec: { volumeMode: 'Filesystem' }, status: { phase: 'Pending' } });
  const lr: any = { spec: { limits: [{ type: 'Container', max: { cpu: '2' }, min: { memory: '1Mi' }, default: { memory: '1Gi' } }, { type: 'Pod', max: { cpu: '4' } }] } };
  coreDefaults.LimitRange(lr, 'v1');
  assert.deepEqual(lr.spec.limits[0].default, { cpu: '2', memory: '1Gi' });
  assert.deepEqual(lr.spec.limits[0].defaultRequest, { cpu: '2', memory: '1Gi' });
  assert.equal(lr.spec.limits[1].default, undefined);
});

test('resource quantities are rounded to milli units and stored canonically', () => {
  const pod: any = { spec: { containers: [{ name: 'c', image: 'x', resources: { limits: { cpu: '0.5', memory: '1.5Gi' }, requests: { cpu: 0.0001, 'example.com/gpu': 1 } } }] } };
  coreDefaults.Pod(pod, 'v1');
  assert.deepEqual(pod.spec.containers[0].resources, { limits: { cpu: '500m', memory: '1536Mi' }, requests: { cpu: '1m', 'example.com/gpu': '1', memory: '1536Mi' } });
  const quota: any = { spec: { hard: { pods: 10, 'requests.memory': '1000' } } };
  coreDefaults.ResourceQuota(quota, 'v1');
  assert.deepEqual(quota.spec.hard, { pods: '10', 'requests.memory': '1k' });
  const bad: any = { spec: { containers: [{ name: 'c', image: 'x', resources: { limits: { cpu: 'lots' } } }] } };
  coreDefaults.Pod(bad, 'v1');
  assert.equal(bad.spec.containers[0].resources.limits.cpu, 'lots');
});
