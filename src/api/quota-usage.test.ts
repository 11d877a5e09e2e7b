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
  assert.equal(podUsage(pod([], {}, 'Succeeded')).size, 0);
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
});
