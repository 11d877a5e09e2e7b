import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from '../api/types/generated.js';
import { containerEnv, ContainerConfigError, expandCommand } from './env.js';
import type { ObjectSource } from './object-source.js';
import type { ConfigMapObject, PodObject, SecretObject } from './types.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

const objects: ObjectSource = {
  async configMap(ns, name) {
    if (ns === 'ns1' && name === 'cfg') return { metadata: { name }, data: { MODE: 'fast', 'bad key': 'x', LEVEL: '3' } } as ConfigMapObject;
    return undefined;
  },
  async secret(ns, name) {
    if (ns === 'ns1' && name === 'sec') return { metadata: { name }, data: { password: b64('s3cret') } } as SecretObject;
    return undefined;
  },
};

const pod = (container: PodObject['spec']['containers'][number]): PodObject => ({
  metadata: { name: 'p', namespace: 'ns1', uid: 'u-1', labels: { app: 'web' } },
  spec: { nodeName: 'n1', serviceAccountName: 'default', containers: [container] },
});

const node = { hostIPs: ['10.0.0.5'], allocatable: { cpu: '2', memory: '4Gi' } };
const kubernetes: Service = { metadata: { name: 'kubernetes', namespace: 'default' }, spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] } };

test('env: envFrom with prefix, refs, field and resource refs, expansion, service variables', async () => {
  const c = {
    name: 'app',
    envFrom: [{ prefix: 'CFG_', configMapRef: { name: 'cfg' } }],
    env: [
      { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
      { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'HOST', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
      { name: 'PW', valueFrom: { secretKeyRef: { name: 'sec', key: 'password' } } },
      { name: 'OPT', valueFrom: { configMapKeyRef: { name: 'missing', key: 'x', optional: true } } },
      { name: 'LVL', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'LEVEL' } } },
      { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
      { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
      { name: 'GREETING', value: '$(POD) in $(CFG_MODE) mode, $(UNDEFINED), $$(POD)' },
    ],
    resources: { limits: { memory: '64Mi' } },
    command: ['echo', '$(GREETING)'], args: ['$(KUBERNETES_SERVICE_HOST)'],
  };
  const { env, warnings } = await containerEnv({ pod: pod(c), container: c, node, podIPs: ['10.244.0.7'], objects, services: [kubernetes] });
  const m = Object.fromEntries(env.map(e => [e.name, e.value]));
  assert.equal(m.CFG_MODE, 'fast');
  assert.equal(m.POD, 'p');
  assert.equal(m.APP, 'web');
  assert.equal(m.IP, '10.244.0.7');
  assert.equal(m.HOST, '10.0.0.5');
  assert.equal(m.PW, 's3cret');
  assert.equal('OPT' in m, false);
  assert.equal(m.LVL, '3');
  assert.equal(m.MEM, '64');
  assert.equal(m.CPU, '2', 'an unset cpu limit is the node allocatable');
  assert.equal(m.GREETING, 'p in fast mode, $(UNDEFINED), $(POD)');
  assert.equal(m.KUBERNETES_SERVICE_HOST, '10.96.0.1');
  assert.equal(m.KUBERNETES_PORT_443_TCP, 'tcp://10.96.0.1:443');
  assert.equal(m.KUBERNETES_SERVICE_PORT_HTTPS, '443');
  assert.match(warnings[0], /Keys \[CFG_bad key\] from the EnvFrom configMap ns1\/cfg were skipped/);
  assert.deepEqual(expandCommand(c, env), { command: ['echo', 'p in fast mode, $(UNDEFINED), $(POD)'], args: ['10.96.0.1'] });
});

test('env: a missing required key or object is a container config error with upstream wording', async () => {
  const c1 = { name: 'a', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'sec', key: 'nope' } } }] };
  await assert.rejects(containerEnv({ pod: pod(c1), container: c1, node, podIPs: [], objects, services: [] }),
    (e: Error) => e instanceof ContainerConfigError && e.message === "couldn't find key nope in Secret ns1/sec");
  const c2 = { name: 'a', envFrom: [{ configMapRef: { name: 'gone' } }] };
  await assert.rejects(containerEnv({ pod: pod(c2), container: c2, node, podIPs: [], objects, services: [] }), /configmap "gone" not found/);
});
