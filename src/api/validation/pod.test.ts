import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateCreate, validateUpdate } from './index.js';
import { defaulted, messages, namespaced, podSpec } from './testing.js';
import { coreDefaults } from '../defaults/core.js';
import { coreWorkloadRules } from './core-workloads.js';

const pod = (spec: object) => defaulted(coreDefaults.Pod, { spec });

test('a defaulted pod is valid', () => {
  assert.deepEqual(validateCreate(coreWorkloadRules.Pod, pod(podSpec()), namespaced), []);
  const full = pod({
    volumes: [{ name: 'data' }, { name: 'cfg', configMap: { name: 'c' } }],
    initContainers: [{ name: 'init', image: 'i', command: ['true'] }],
    containers: [{
      name: 'web', image: 'nginx', ports: [{ name: 'http', containerPort: 80 }],
      env: [{ name: 'A', value: '1' }, { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
      volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'cfg', mountPath: '/etc/cfg' }],
      resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } },
      livenessProbe: { httpGet: { port: 'http' } }, readinessProbe: { tcpSocket: { port: 80 } },
    }],
    tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }],
  });
  assert.deepEqual(messages(validateCreate(coreWorkloadRules.Pod, full, namespaced)), []);
});

test('containers: duplicate names, missing image, bad ports, env, mounts', () => {
  const errs = messages(validateCreate(coreWorkloadRules.Pod, pod({
    initContainers: [{ name: 'c', image: 'i' }],
    containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 70000 }, { containerPort: 80, name: 'Http', protocol: 'ICMP' }], env: [{ name: 'A=B' }], volumeMounts: [{ name: 'nope', mountPath: '/x' }] }, { name: 'd' }],
  }), namespaced));
  assert.deepEqual(errs, [
    'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.containers[0].ports[1].name: Invalid value: "Http": must contain only alphanumeric characters (a-z, 0-9), and hyphens (-)',
    'spec.containers[0].ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
    'spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than \'=\'',
    'spec.containers[0].volumeMounts[0].name: Not found: "nope"',
    'spec.containers[1].image: Required value',
    'spec.initContainers[0].name: Duplicate value: "c"',
  ]);
  assert.deepEqual(messages(validateCreate(coreWorkloadRules.Pod, pod({ containers: [] }), namespaced)), ['spec.containers: Required value']);
});

test('resources: quantities and requests within limits', () => {
  const errs = messages(validateCreate(coreWorkloadRules.Pod, pod({
    containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '2', memory: 'lots', 'example.com/gpu': '1' }, limits: { cpu: '1', 'example.com/gpu': '2' } } }],
  }), namespaced));
  assert.deepEqual(errs, [
    'spec.containers[0].resources.requests[memory]: Invalid value: "lots": quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'',
    'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
    'spec.containers[0].resources.requests: Invalid value: "1": must be equal to example.com/gpu limit of 2',
  ]);
});

test('probes need exactly one handler; policies are enums', () => {
  const errs = messages(validateCreate(coreWorkloadRules.Pod, pod({
    restartPolicy: 'Sometimes',
    containers: [{ name: 'c', image: 'i', livenessProbe: { periodSeconds: 5 }, readinessProbe: { exec: { command: ['x'] }, tcpSocket: { port: 1 } } }],
  }), namespaced));
  assert.deepEqual(errs, [
    'spec.containers[0].livenessProbe: Required value: must specify a handler type',
    'spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type',
    'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
  ]);
});

test('volumes: names unique, one source each', () => {
  const errs = messages(validateCreate(coreWorkloadRules.Pod, pod({ ...podSpec(), volumes: [{ name: 'v', emptyDir: {}, hostPath: { path: '/x' } }, { name: 'v', secret: {} }] }), namespaced));
  assert.deepEqual(errs, [
    'spec.volumes[0].emptyDir: Forbidden: may not specify more than 1 volume type',
    'spec.volumes[1].secret.secretName: Required value',
    'spec.volumes[1].name: Duplicate value: "v"',
  ]);
});

test('pod updates may only change images, deadlines, tolerations', () => {
  const old = pod(podSpec());
  const image = structuredClone(old);
  image.spec.containers[0].image = 'busybox:1.37';
  image.spec.tolerations = [{ key: 'k', operator: 'Exists' }];
  image.metadata.labels = { new: 'label' };
  assert.deepEqual(validateUpdate(coreWorkloadRules.Pod, image, old, namespaced), []);
  const restart = structuredClone(old);
  restart.spec.restartPolicy = 'Never';
  const dropped = structuredClone(image);
  dropped.spec.tolerations = [];
  assert.deepEqual(messages(validateUpdate(coreWorkloadRules.Pod, dropped, image, namespaced)), ['spec.tolerations[0]: Forbidden: existing toleration can not be modified except its tolerationSeconds']);
  assert.deepEqual(messages(validateUpdate(coreWorkloadRules.Pod, restart, old, namespaced)), [
    'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
  ]);
});

test('dnsConfig: None needs nameservers; nameserver count and IPs, search count, length and names, option names', () => {
  const spec = (extra: object) => pod({ ...podSpec(), ...extra });
  assert.deepEqual(messages(validateCreate(coreWorkloadRules.Pod, spec({ dnsPolicy: 'None' }), namespaced)), ['spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None']);
  assert.deepEqual(messages(validateCreate(coreWorkloadRules.Pod, spec({ dnsPolicy: 'None', dnsConfig: { searches: ['a.example'] } }), namespaced)),
    ['spec.dnsConfig.nameservers: Required value: must provide at least one DNS nameserver when `dnsPolicy` is None']);
  assert.deepEqual(messages(validateCreate(coreWorkloadRules.Pod, spec({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1', 'fd00::1'], searches: ['ns.svc.cluster.local.'], options: [{ name: 'ndots', value: '2' }] } }), namespaced)), []);
  const searches = Array.from({ length: 33 }, (_, i) => `s${i}.example`);
  assert.deepEqual(messages(validateCreate(coreWorkloadRules.Pod, spec({
    dnsConfig: { nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3', 'dns.example'], searches: [...searches.slice(0, 31), 'Bad_Name'], options: [{ value: '1' }] },
  }), namespaced)), [
    'spec.dnsConfig.nameservers: Invalid value: []string{"1.1.1.1", "2.2.2.2", "3.3.3.3", "dns.example"}: must not have more than 3 nameservers',
    'spec.dnsConfig.nameservers[3]: Invalid value: "dns.example": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    'spec.dnsConfig.searches[31]: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')',
    'spec.dnsConfig.options[0]: Required value: must not be empty',
  ]);
  const tooMany = messages(validateCreate(coreWorkloadRules.Pod, spec({ dnsConfig: { searches } }), namespaced));
  assert.equal(tooMany.length, 1);
  assert.match(tooMany[0], /^spec\.dnsConfig\.searches: Invalid value: \[\]string\{"s0\.example", .*\}: must not have more than 32 search paths$/);
  const long = Array.from({ length: 9 }, (_, i) => `${String(i).repeat(63)}.${String(i).repeat(63)}.${String(i).repeat(63)}.${String(i).repeat(60)}`);
  assert.match(messages(validateCreate(coreWorkloadRules.Pod, spec({ dnsConfig: { searches: long } }), namespaced))[0], /must not have more than 2048 characters \(including spaces\) in the search list$/);
});

test('volume mounts: mountPropagation values, Bidirectional only for privileged containers', () => {
  const errs = messages(validateCreate(coreWorkloadRules.Pod, pod({
    volumes: [{ name: 'v', emptyDir: {} }],
    containers: [
      { name: 'a', image: 'i', volumeMounts: [{ name: 'v', mountPath: '/a', mountPropagation: 'Bidirectional' }, { name: 'v', mountPath: '/b', mountPropagation: 'Sideways' }] },
      { name: 'b', image: 'i', securityContext: { privileged: true }, volumeMounts: [{ name: 'v', mountPath: '/a', mountPropagation: 'Bidirectional' }, { name: 'v', mountPath: '/b', mountPropagation: 'HostToContainer' }] },
    ],
  }), namespaced));
  assert.deepEqual(errs, [
    'spec.containers[0].volumeMounts[0].mountPropagation: Forbidden: Bidirectional mount propagation is available only to privileged containers',
    'spec.containers[0].volumeMounts[1].mountPropagation: Unsupported value: "Sideways": supported values: "Bidirectional", "HostToContainer", "None"',
  ]);
});
