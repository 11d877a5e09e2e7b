import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from './object.js';
import { parseMilli } from './quantity.js';
import { matchesScopes, podUsage, sumUsage, usageOf } from './quota-usage.js';
import type { Pod, PodSpec } from './types/generated.js';

const pod = (containers: { requests?: Record<string, string>; limits?: Record<string, string> }[], extra: Partial<PodSpec> = {}, phase?: string): Pod & KubeObject => ({
  metadata: { name: 'p', namespace: 'ns' },
  spec: { containers: containers.map((resources, i) => ({ name: `c${i}`, resources })), ...extra },
  status: phase ? { phase } : undefined,
});

test('pod usage: counts, requests summed over containers, init containers as a maximum', () => {
  const u = podUsage(pod([{ requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m' } }, { requests: { cpu: '300m' } }],
    { initContainers: [{ name: 'i', resources: { requests: { cpu: '1' } } }] }));
  assert.equal(u.get('pods'), 1000n);
  assert.equal(u.get('count/pods'), 1000n);
  assert.equal(u.get('requests.cpu'), 1000n); // init container's 1 > 100m + 300m
  assert.equal(u.get('cpu'), 1000n);
  assert.equal(u.get('requests.memory'), parseMilli('64Mi'));
  assert.equal(u.get('limits.cpu'), 200n);
  // A finished pod still counts as an object, but holds no compute resources.
  assert.deepEqual([...podUsage(pod([{ requests: { cpu: '1' } }], {}, 'Succeeded'))], [['count/pods', 1000n]]);
});

test('pod usage as upstream\'s PodRequests/PodLimits: a sidecar runs beside later init containers and the app', () => {
  const u = podUsage(pod([{ requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '100m', memory: '64Mi' } }], {
    initContainers: [
      { name: 'proxy', restartPolicy: 'Always', resources: { requests: { cpu: '200m', memory: '32Mi' }, limits: { cpu: '200m', memory: '32Mi' } } },
      { name: 'setup', resources: { requests: { cpu: '1' }, limits: { cpu: '1' } } },
    ],
  }));
  // cpu: max(app 100m + proxy 200m, setup 1 beside proxy 200m); memory: app + proxy.
  assert.equal(u.get('requests.cpu'), 1200n);
  assert.equal(u.get('cpu'), 1200n);
  assert.equal(u.get('limits.cpu'), 1200n);
  assert.equal(u.get('requests.memory'), parseMilli('96Mi'));
  assert.equal(u.get('limits.memory'), parseMilli('96Mi'));
});

test('pod usage: the overhead is charged with the requests, and with the limits some container sets', () => {
  const u = podUsage(pod([{ requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '1Gi' } }], { overhead: { cpu: '50m', memory: '10Mi' } }));
  assert.equal(u.get('requests.cpu'), 300n);
  assert.equal(u.get('requests.memory'), parseMilli('1034Mi'));
  assert.equal(u.get('limits.memory'), parseMilli('1034Mi'));
  assert.equal(u.has('limits.cpu'), false, 'no container limits cpu: the overhead adds no cpu limit');
});

test('pod usage: exact milli-units; huge pages under both names, extended resources as requests only', () => {
  const u = podUsage(pod([
    { requests: { memory: '0.5', 'hugepages-2Mi': '4Mi', 'example.com/gpu': '1' }, limits: { 'hugepages-2Mi': '4Mi', 'example.com/gpu': '1' } },
    { requests: { memory: '0.5' } },
  ]));
  assert.equal(u.get('memory'), 1000n);
  assert.equal(u.get('hugepages-2Mi'), parseMilli('4Mi'));
  assert.equal(u.get('requests.hugepages-2Mi'), parseMilli('4Mi'));
  assert.equal(u.get('requests.example.com/gpu'), 1000n);
  assert.equal(u.has('example.com/gpu'), false);
  assert.equal(u.has('limits.example.com/gpu'), false);
  assert.equal(u.has('limits.hugepages-2Mi'), false);
});

test('pod usage: a pod past its deletion grace period holds no compute resources', () => {
  const deleting = { ...pod([{ requests: { cpu: '1' } }]), metadata: { name: 'p', deletionTimestamp: '2026-01-01T00:00:00Z', deletionGracePeriodSeconds: 30 } };
  assert.equal(podUsage(deleting, Date.parse('2026-01-01T00:00:30Z')).get('requests.cpu'), 1000n);
  assert.deepEqual([...podUsage(deleting, Date.parse('2026-01-01T00:00:31Z'))], [['count/pods', 1000n]]);
});

test('object counts, node ports, load balancers and storage', () => {
  const svc: KubeObject = { metadata: { name: 's' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }, { port: 443 }] } };
  const u = usageOf({ group: '', resource: 'services' }, svc);
  assert.equal(u.get('services'), 1000n);
  assert.equal(u.get('count/services'), 1000n);
  assert.equal(u.get('services.nodeports'), 2000n);
  assert.equal(u.get('services.loadbalancers'), 1000n);
  assert.deepEqual([...usageOf({ group: 'apps', resource: 'deployments' }, { metadata: {} })], [['count/deployments.apps', 1000n]]);
  const pvc: KubeObject = { metadata: {}, spec: { resources: { requests: { storage: '1Gi' } } } };
  assert.equal(usageOf({ group: '', resource: 'persistentvolumeclaims' }, pvc).get('requests.storage'), parseMilli('1Gi'));
});

test('sums only the quota keys, zero when unused, honouring scopes', () => {
  const gr = { group: '', resource: 'pods' };
  const items = [
    { gr, obj: pod([{ requests: { cpu: '250m' } }]) },
    { gr, obj: pod([]) },
    { gr, obj: pod([{ requests: { cpu: '1' } }], {}, 'Failed') },
  ];
  const all = sumUsage(['pods', 'requests.cpu', 'secrets'], items);
  assert.deepEqual([...all], [['pods', 2000n], ['requests.cpu', 250n], ['secrets', 0n]]);
  assert.deepEqual([...sumUsage(['pods'], items, ['BestEffort'])], [['pods', 1000n]]);
  assert.equal(matchesScopes(gr, pod([], { activeDeadlineSeconds: 10 }), ['Terminating']), true);
  assert.equal(matchesScopes(gr, pod([]), ['Terminating']), false);
  assert.equal(matchesScopes({ group: '', resource: 'secrets' }, { metadata: {} }, ['BestEffort']), false);
  // BestEffort is the QoS class: only cpu and memory count; a recorded class is taken as it is.
  assert.equal(matchesScopes(gr, pod([{ requests: { 'ephemeral-storage': '1Gi' } }]), ['BestEffort']), true);
  assert.equal(matchesScopes(gr, { ...pod([]), status: { qosClass: 'Burstable' } }, ['NotBestEffort']), true);
});
