import assert from 'node:assert/strict';
import { test } from 'node:test';
import { desiredSubsets } from './endpoints.js';
import { MANAGED_BY, desiredSlices, lastChangeTriggerTime, sliceLabels } from './endpointslice.js';
import type { Pod, Service } from './types.js';

const svc = (spec: Service['spec']): Service => ({ metadata: { name: 'web', namespace: 'ns', uid: 's', labels: { tier: 'fe' } }, spec: { selector: { app: 'web' }, ...spec } });
const pod = (name: string, ip: string | undefined, ready: boolean, extra: { deleting?: boolean; phase?: 'Running' | 'Succeeded'; labels?: Record<string, string>; ports?: { name: string; containerPort: number }[]; hostname?: string } = {}): Pod => ({
  metadata: { name, namespace: 'ns', uid: `u-${name}`, labels: extra.labels ?? { app: 'web' }, ...(extra.deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
  spec: { nodeName: 'n1', hostname: extra.hostname, subdomain: extra.hostname ? 'web' : undefined, containers: [{ name: 'c', ports: extra.ports ?? [{ name: 'http', containerPort: 8080 }] }] },
  status: { phase: extra.phase ?? 'Running', podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

test('ready pods are addresses, unready ones notReadyAddresses; no IP, finished, terminating or unselected pods are left out', () => {
  const s = svc({ ports: [{ name: 'http', port: 80, targetPort: 'http' }] });
  const subsets = desiredSubsets(s, [
    pod('a', '10.0.0.2', true), pod('b', '10.0.0.1', false), pod('c', undefined, true),
    pod('d', '10.0.0.4', true, { phase: 'Succeeded' }), pod('e', '10.0.0.5', true, { deleting: true }), pod('f', '10.0.0.6', true, { labels: { app: 'x' } }),
  ]);
  assert.equal(subsets.length, 1);
  assert.deepEqual(subsets[0].addresses!.map(a => a.ip), ['10.0.0.2']);
  assert.deepEqual(subsets[0].notReadyAddresses!.map(a => a.ip), ['10.0.0.1']);
  assert.deepEqual(subsets[0].ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  assert.deepEqual(subsets[0].addresses![0].targetRef, { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'u-a' });
});

test('target ports by number or name; pods defining the name differently land in separate subsets', () => {
  const s = svc({ ports: [{ name: 'http', port: 80, targetPort: 'http' }] });
  const subsets = desiredSubsets(s, [pod('a', '10.0.0.1', true), pod('b', '10.0.0.2', true, { ports: [{ name: 'http', containerPort: 9090 }] }), pod('c', '10.0.0.3', true, { ports: [] })]);
  assert.deepEqual(subsets.map(x => [x.ports![0].port, x.addresses!.map(a => a.ip)]), [[8080, ['10.0.0.1']], [9090, ['10.0.0.2']]]);
  assert.deepEqual(desiredSubsets(svc({ ports: [{ port: 80 }] }), [pod('a', '10.0.0.1', true)])[0].ports, [{ port: 80, protocol: 'TCP' }]);
});

test('publishNotReadyAddresses lists unready and terminating pods as addresses; headless with hostnames', () => {
  const s = svc({ clusterIP: 'None', publishNotReadyAddresses: true });
  const subsets = desiredSubsets(s, [pod('a', '10.0.0.1', false, { hostname: 'a' }), pod('b', '10.0.0.2', true, { deleting: true })]);
  assert.deepEqual(subsets, [{ addresses: [
    { ip: '10.0.0.1', hostname: 'a', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'u-a' } },
    { ip: '10.0.0.2', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'b', uid: 'u-b' } },
  ] }]);
});

test('endpoint slices: conditions ready/serving/terminating, ports named, labels', () => {
  const s = svc({ ports: [{ port: 80, targetPort: 8080 }] });
  const [slice] = desiredSlices(s, [pod('a', '10.0.0.1', true), pod('b', '10.0.0.2', false), pod('c', '10.0.0.3', true, { deleting: true })]);
  assert.deepEqual(slice.ports, [{ name: '', port: 8080, protocol: 'TCP' }]);
  assert.deepEqual(slice.endpoints.map(e => [e.addresses[0], e.conditions]), [
    ['10.0.0.1', { ready: true, serving: true, terminating: false }],
    ['10.0.0.2', { ready: false, serving: false, terminating: false }],
    ['10.0.0.3', { ready: false, serving: true, terminating: true }],
  ]);
  assert.deepEqual(sliceLabels(s), { tier: 'fe', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': MANAGED_BY });
  assert.equal(sliceLabels(svc({ clusterIP: 'None' }))['service.kubernetes.io/headless'], '');
});

test('endpoint slices hold at most 100 endpoints; an empty service still has one slice', () => {
  const s = svc({ ports: [{ port: 80 }] });
  const pods = Array.from({ length: 250 }, (_, i) => pod(`p${i}`, `10.0.${Math.floor(i / 200)}.${i % 200}`, true));
  assert.deepEqual(desiredSlices(s, pods).map(x => x.endpoints.length), [100, 100, 50]);
  assert.deepEqual(desiredSlices(s, []), [{ ports: [], endpoints: [] }]);
});

test('the slices\' last-change trigger time is the newest of the Service\'s creation and its pods\' readiness changes', () => {
  const s: Service = { ...svc({}), metadata: { ...svc({}).metadata, creationTimestamp: '2026-01-01T00:00:00Z' } };
  const at = (p: Pod, ready?: string, created?: string): Pod => ({ ...p, metadata: { ...p.metadata, creationTimestamp: created }, status: { ...p.status, conditions: ready ? [{ type: 'Ready', status: 'True', lastTransitionTime: ready }] : [] } });
  assert.equal(lastChangeTriggerTime(s, []), '2026-01-01T00:00:00Z');
  assert.equal(lastChangeTriggerTime(s, [at(pod('a', '10.0.0.1', true), '2026-01-01T00:00:07Z'), at(pod('b', '10.0.0.2', true), '2026-01-01T00:00:05Z')]), '2026-01-01T00:00:07Z');
  assert.equal(lastChangeTriggerTime(s, [at(pod('c', undefined, false), undefined, '2026-01-01T00:00:09Z')]), '2026-01-01T00:00:09Z', 'a pod without a Ready condition yet counts from its creation');
  assert.equal(lastChangeTriggerTime(s, [at(pod('d', '10.0.0.4', true, { labels: { app: 'x' } }), '2026-01-01T00:01:00Z')]), '2026-01-01T00:00:00Z', 'pods the Service does not select do not count');
});
