import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDefaults } from './index.js';

test('bare pod gets upstream defaults', () => {
  const pod: any = { spec: { containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: 80 }], livenessProbe: { httpGet: { port: 80 } } }, { name: 'd', image: 'busybox:1.36', resources: { limits: { cpu: '1' } } }], volumes: [{ name: 'v' }, { name: 'cm', configMap: { name: 'x' } }] } };
  applyDefaults('', 'v1', 'Pod', pod);
  assert.equal(pod.spec.restartPolicy, 'Always');
  assert.equal(pod.spec.dnsPolicy, 'ClusterFirst');
  assert.equal(pod.spec.terminationGracePeriodSeconds, 30);
  assert.equal(pod.spec.schedulerName, 'default-scheduler');
  const [c, d] = pod.spec.containers;
  assert.equal(c.imagePullPolicy, 'Always');
  assert.equal(d.imagePullPolicy, 'IfNotPresent');
  assert.equal(c.terminationMessagePath, '/dev/termination-log');
  assert.equal(c.ports[0].protocol, 'TCP');
  assert.deepEqual(c.livenessProbe, { httpGet: { port: 80, scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
  assert.deepEqual(d.resources.requests, { cpu: '1' });
  assert.deepEqual(pod.spec.volumes[0].emptyDir, {});
  assert.equal(pod.spec.volumes[1].configMap.defaultMode, 420);
});

test('deployment, service, job, cronjob and secret defaults', () => {
  const dep: any = { spec: { template: { spec: { containers: [{ name: 'c', image: 'x:1' }] } } } };
  applyDefaults('apps', 'v1', 'Deployment', dep);
  assert.deepEqual(dep.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(dep.spec.replicas, 1);
  assert.equal(dep.spec.revisionHistoryLimit, 10);
  assert.equal(dep.spec.progressDeadlineSeconds, 600);
  const svc: any = { spec: { ports: [{ port: 80 }] } };
  applyDefaults('', 'v1', 'Service', svc);
  assert.deepEqual(svc.spec.ports[0], { port: 80, protocol: 'TCP', targetPort: 80 });
  assert.equal(svc.spec.type, 'ClusterIP');
  assert.deepEqual(svc.spec.ipFamilies, ['IPv4']);
  const job: any = { spec: { template: { spec: { containers: [] } } } };
  applyDefaults('batch', 'v1', 'Job', job);
  assert.equal(job.spec.completions, 1);
  assert.equal(job.spec.parallelism, 1);
  assert.equal(job.spec.backoffLimit, 6);
  const cj: any = { spec: { schedule: '* * * * *', jobTemplate: { spec: {} } } };
  applyDefaults('batch', 'v1', 'CronJob', cj);
  assert.equal(cj.spec.concurrencyPolicy, 'Allow');
  assert.equal(cj.spec.successfulJobsHistoryLimit, 3);
  const secret: any = { stringData: { a: 'hi' }, data: { a: 'b2xk', b: 'eA==' } };
  applyDefaults('', 'v1', 'Secret', secret);
  assert.deepEqual(secret.data, { a: 'aGk=', b: 'eA==' });
  assert.equal(secret.stringData, undefined);
  assert.equal(secret.type, 'Opaque');
});
