import assert from 'node:assert/strict';
import { test } from 'node:test';
import { podLimits, podRequests, type MilliResourceList } from './pod-resources.js';
import type { Container, PodSpec } from './types/generated.js';

const c = (name: string, requests: Record<string, string>, limits: Record<string, string>, restartPolicy?: string): Container =>
  ({ name, resources: { requests, limits }, ...(restartPolicy ? { restartPolicy } : {}) });
const pod = (spec: Omit<PodSpec, 'containers'> & { containers: Container[] }) => ({ spec });

test('sidecars run beside later init containers and the app containers: they add up', () => {
  const p = pod({
    containers: [c('app', { cpu: '100m' }, { cpu: '200m' })],
    initContainers: [c('proxy', { cpu: '300m' }, { cpu: '300m' }, 'Always'), c('setup', { cpu: '1' }, { cpu: '1' })],
  });
  // Requests: max(app 100 + proxy 300, setup 1000 beside proxy 300) = 1300.
  assert.equal(podRequests(p).get('cpu'), 1300);
  assert.equal(podLimits(p).get('cpu'), 1300);
});

test('limits: the overhead is added only to what some container limits; each container\'s limits are shown', () => {
  const seen: MilliResourceList[] = [];
  const p = pod({
    containers: [c('a', {}, { memory: '64Mi' }), c('b', {}, { memory: '32Mi' })],
    initContainers: [c('i', {}, { cpu: '1', memory: '16Mi' })],
    overhead: { cpu: '50m', memory: '1Mi' },
  });
  const limits = podLimits(p, l => seen.push(l));
  assert.deepEqual(Object.fromEntries(limits), { memory: 97 * 2 ** 20, cpu: 1050 });
  // Exact, in milli-units.
  assert.deepEqual(seen.map(l => Object.fromEntries(l)), [{ memory: 64n * 2n ** 20n * 1000n }, { memory: 32n * 2n ** 20n * 1000n }, { cpu: 1000n, memory: 16n * 2n ** 20n * 1000n }]);
  const noCpu = pod({ containers: [c('a', {}, { memory: '64Mi' })], overhead: { cpu: '50m', memory: '1Mi' } });
  assert.deepEqual(Object.fromEntries(podLimits(noCpu)), { memory: 65 * 2 ** 20 });
});

test('the total is rounded up once, as upstream takes the Value of the summed quantities', () => {
  const p = pod({ containers: [c('a', { memory: '0.5' }, {}), c('b', { memory: '0.5' }, {}), c('d', { cpu: '0.1m' }, {})] });
  assert.deepEqual(Object.fromEntries(podRequests(p)), { memory: 1, cpu: 1 });
});
