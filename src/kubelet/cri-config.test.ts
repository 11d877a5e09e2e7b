import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerConfig, linuxResources, sandboxConfig } from './cri-config.js';
import type { PodObject } from './types.js';

const pod: PodObject = {
  metadata: { name: 'web', namespace: 'shop', uid: 'u-9', labels: { app: 'web' } },
  spec: {
    terminationGracePeriodSeconds: 7,
    securityContext: { runAsUser: 1000, supplementalGroups: [5] },
    containers: [{
      name: 'httpd', image: 'k8ts.local/busybox:1', ports: [{ containerPort: 80, hostPort: 8080 }],
      securityContext: { readOnlyRootFilesystem: true, capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, allowPrivilegeEscalation: false },
      resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
    }],
  },
};

test('sandbox config: upstream labels, log directory, hostname, host ports, namespaces', () => {
  const s = sandboxConfig(pod, 2, '/var/lib/k', undefined);
  assert.deepEqual(s.metadata, { name: 'web', uid: 'u-9', namespace: 'shop', attempt: 2 });
  assert.equal(s.labels?.['io.kubernetes.pod.uid'], 'u-9');
  assert.equal(s.labels?.app, 'web');
  assert.equal(s.logDirectory, '/var/lib/k/pods/shop_web_u-9');
  assert.equal(s.hostname, 'web');
  assert.deepEqual(s.portMappings, [{ protocol: 'TCP', containerPort: 80, hostPort: 8080 }]);
  assert.deepEqual(s.linux?.securityContext?.namespaceOptions, { network: 'POD', pid: 'CONTAINER', ipc: 'POD' });
  assert.equal(s.dnsConfig, undefined);
  const withDns = sandboxConfig(pod, 0, '/var/lib/k', { forPod: p => ({ servers: ['10.43.0.10'], searches: [`${p.metadata.namespace}.svc.cluster.local`] }) });
  assert.deepEqual(withDns.dnsConfig, { servers: ['10.43.0.10'], searches: ['shop.svc.cluster.local'] });
});

test('container config: labels, restart count annotation, log path, resources and security context', () => {
  const c = containerConfig(pod, pod.spec.containers[0], { image: 'sha256:x', command: ['a'], args: ['b'], env: [{ name: 'K', value: 'V' }], mounts: [], attempt: 3, nodeMemory: 4 * 2 ** 30, qosClass: 'Burstable' });
  assert.equal(c.labels?.['io.kubernetes.container.name'], 'httpd');
  assert.equal(c.labels?.['io.kubernetes.pod.namespace'], 'shop');
  assert.equal(c.annotations?.['io.kubernetes.container.restartCount'], '3');
  assert.equal(c.logPath, 'httpd/3.log');
  assert.deepEqual(c.envs, [{ key: 'K', value: 'V' }]);
  const r = c.linux!.resources!;
  assert.equal(r.cpuShares, 256);
  assert.equal(r.cpuQuota, 50_000);
  assert.equal(r.cpuPeriod, 100_000);
  assert.equal(r.memoryLimitInBytes, 128 * 2 ** 20);
  assert.equal(r.oomScoreAdj, 1000 - Math.floor((1000 * 64 * 2 ** 20) / (4 * 2 ** 30)));
  const sc = c.linux!.securityContext!;
  assert.deepEqual(sc.runAsUser, { value: 1000 });
  assert.equal(sc.readonlyRootfs, true);
  assert.equal(sc.noNewPrivs, true);
  assert.deepEqual(sc.capabilities, { addCapabilities: ['NET_ADMIN'], dropCapabilities: ['ALL'] });
  assert.deepEqual(sc.supplementalGroups, [5]);
});

test('resources: no requests means minimum shares, no quota, no memory limit; Guaranteed gets -997', () => {
  assert.deepEqual(linuxResources({ name: 'c' }, 'BestEffort', 0), { cpuShares: 2, cpuPeriod: 100_000, oomScoreAdj: 1000 });
  assert.equal(linuxResources({ name: 'c', resources: { limits: { cpu: '1', memory: '1Gi' } } }, 'Guaranteed', 0).oomScoreAdj, -997);
  assert.equal(linuxResources({ name: 'c', resources: { limits: { cpu: '1' } } }, 'Burstable', 0).cpuShares, 1024);
});

test('a pod with a privileged container gets a privileged sandbox; mountPropagation becomes CRI propagation', () => {
  assert.equal(sandboxConfig(pod, 0, '/var/lib/k', undefined).linux?.securityContext?.privileged, false);
  const priv: PodObject = { ...pod, spec: { ...pod.spec, containers: [{ ...pod.spec.containers[0], securityContext: { privileged: true } }] } };
  assert.equal(sandboxConfig(priv, 0, '/var/lib/k', undefined).linux?.securityContext?.privileged, true);
  const mounts = [
    { containerPath: '/a', hostPath: '/h/a', readonly: false },
    { containerPath: '/b', hostPath: '/h/b', readonly: false, propagation: 'HostToContainer' },
    { containerPath: '/c', hostPath: '/h/c', readonly: false, propagation: 'Bidirectional' },
  ];
  const c = containerConfig(priv, priv.spec.containers[0], { image: 'i', command: [], args: [], env: [], mounts, attempt: 0, nodeMemory: 0, qosClass: 'BestEffort' });
  assert.deepEqual(c.mounts?.map(m => m.propagation), ['PROPAGATION_PRIVATE', 'PROPAGATION_HOST_TO_CONTAINER', 'PROPAGATION_BIDIRECTIONAL']);
});
