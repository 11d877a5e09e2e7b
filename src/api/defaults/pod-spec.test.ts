import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imagePullPolicy } from './pod-spec.js';
import { coreDefaults } from './core.js';

test('a bare pod gets exactly upstream defaults', () => {
  const pod: any = { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
  coreDefaults.Pod(pod, 'v1');
  assert.deepEqual(pod.spec, {
    containers: [{
      name: 'c', image: 'busybox', imagePullPolicy: 'Always', resources: {},
      terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
    }],
    dnsPolicy: 'ClusterFirst', restartPolicy: 'Always', securityContext: {}, terminationGracePeriodSeconds: 30,
    schedulerName: 'default-scheduler', enableServiceLinks: true,
  });
});

test('containers: ports, probes, env, lifecycle, requests from limits', () => {
  const pod: any = {
    spec: {
      hostNetwork: true,
      initContainers: [{ name: 'i', image: 'x:1', resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } } }],
      containers: [{
        name: 'c', image: 'reg:5000/x@sha256:abc', ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP', hostPort: 1053 }],
        livenessProbe: { httpGet: { port: 80 }, periodSeconds: 5 }, readinessProbe: { grpc: { port: 9 } },
        env: [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, { name: 'M', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } }],
        lifecycle: { preStop: { httpGet: { port: 1, path: '/stop' } } },
      }],
    },
  };
  coreDefaults.Pod(pod, 'v1');
  const [c] = pod.spec.containers;
  assert.equal(c.imagePullPolicy, 'IfNotPresent');
  assert.deepEqual(c.ports, [{ containerPort: 80, protocol: 'TCP', hostPort: 80 }, { containerPort: 53, protocol: 'UDP', hostPort: 1053 }]);
  assert.deepEqual(c.livenessProbe, { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 });
  assert.deepEqual(c.readinessProbe.grpc, { port: 9, service: '' });
  assert.equal(c.env[0].valueFrom.fieldRef.apiVersion, 'v1');
  assert.equal(c.env[1].valueFrom.resourceFieldRef.divisor, '0');
  assert.deepEqual(c.lifecycle.preStop.httpGet, { port: 1, path: '/stop', scheme: 'HTTP' });
  assert.deepEqual(pod.spec.initContainers[0].resources.requests, { cpu: '500m', memory: '1Gi' });
});

test('volumes: emptyDir when sourceless, modes, hostPath type, token expiry, ephemeral claims', () => {
  const pod: any = {
    spec: {
      containers: [],
      volumes: [
        { name: 'a' }, { name: 'b', configMap: { name: 'x' } }, { name: 'c', secret: { secretName: 's', defaultMode: 256 } },
        { name: 'd', hostPath: { path: '/x' } },
        { name: 'e', projected: { sources: [{ serviceAccountToken: { path: 't' } }, { downwardAPI: { items: [{ path: 'n', fieldRef: { fieldPath: 'metadata.name' } }] } }] } },
        { name: 'f', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'] } } } },
      ],
    },
  };
  coreDefaults.Pod(pod, 'v1');
  const [a, b, c, d, e, f] = pod.spec.volumes;
  assert.deepEqual(a, { name: 'a', emptyDir: {} });
  assert.equal(b.configMap.defaultMode, 420);
  assert.equal(c.secret.defaultMode, 256);
  assert.equal(d.hostPath.type, '');
  assert.equal(e.projected.defaultMode, 420);
  assert.equal(e.projected.sources[0].serviceAccountToken.expirationSeconds, 3600);
  assert.equal(e.projected.sources[1].downwardAPI.items[0].fieldRef.apiVersion, 'v1');
  assert.equal(f.ephemeral.volumeClaimTemplate.spec.volumeMode, 'Filesystem');
});

test('pod templates get pod spec defaults but not the pod-only ones', () => {
  const tmpl: any = { template: { spec: { containers: [{ name: 'c', image: 'x', resources: { limits: { cpu: '1' } } }] } } };
  coreDefaults.PodTemplate(tmpl, 'v1');
  const spec = tmpl.template.spec;
  assert.equal(spec.restartPolicy, 'Always');
  assert.equal(spec.enableServiceLinks, undefined);
  assert.equal(spec.containers[0].resources.requests, undefined);
});

test('image pull policy follows the tag', () => {
  assert.equal(imagePullPolicy('nginx'), 'Always');
  assert.equal(imagePullPolicy('nginx:latest'), 'Always');
  assert.equal(imagePullPolicy('localhost:5000/nginx'), 'Always');
  assert.equal(imagePullPolicy('localhost:5000/nginx:1.25'), 'IfNotPresent');
  assert.equal(imagePullPolicy('nginx@sha256:0123'), 'IfNotPresent');
});

test('the deprecated serviceAccount aliases serviceAccountName both ways', () => {
  const fromOld: any = { spec: { containers: [], serviceAccount: 'old' } };
  coreDefaults.Pod(fromOld, 'v1');
  assert.deepEqual([fromOld.spec.serviceAccountName, fromOld.spec.serviceAccount], ['old', 'old']);
  const fromName: any = { spec: { containers: [], serviceAccountName: 'new', serviceAccount: 'stale' } };
  coreDefaults.Pod(fromName, 'v1');
  assert.deepEqual([fromName.spec.serviceAccountName, fromName.spec.serviceAccount], ['new', 'new']);
  const none: any = { spec: { containers: [] } };
  coreDefaults.Pod(none, 'v1');
  assert.equal('serviceAccount' in none.spec, false);
});
