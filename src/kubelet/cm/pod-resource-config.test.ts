import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Container } from '../../api/types/generated.js';
import type { PodObject } from '../types.js';
import { burstableCpuShares, podResourceConfig } from './pod-resource-config.js';

type Resources = Container['resources'];
const c = (name: string, resources: Resources, extra: Partial<Container> = {}): Container => ({ name, image: 'busybox', resources, ...extra });

function pod(qosClass: string, containers: Container[], more: Partial<PodObject['spec']> = {}, phase = 'Running'): PodObject {
  return { metadata: { name: 'p', namespace: 'default', uid: 'u' }, spec: { containers, ...more }, status: { phase, qosClass } };
}

test('Guaranteed: shares from requests, quota from limits, memory limit; summed over containers', () => {
  const p = pod('Guaranteed', [
    c('a', { requests: { cpu: '500m', memory: '64Mi' }, limits: { cpu: '500m', memory: '64Mi' } }),
    c('b', { requests: { cpu: '250m', memory: '32Mi' }, limits: { cpu: '250m', memory: '32Mi' } }),
  ]);
  assert.deepEqual(podResourceConfig(p), { cpuShares: 768, cpuQuota: 75_000, cpuPeriod: 100_000, memoryLimitBytes: 96 * 2 ** 20 });
});

test('Burstable: quota and memory limit only when every container sets that limit', () => {
  const both = pod('Burstable', [c('a', { requests: { cpu: '100m', memory: '10Mi' }, limits: { cpu: '1', memory: '100Mi' } }), c('b', { limits: { cpu: '500m', memory: '50Mi' } })]);
  assert.deepEqual(podResourceConfig(both), { cpuShares: 102, cpuQuota: 150_000, cpuPeriod: 100_000, memoryLimitBytes: 150 * 2 ** 20 });
  const cpuOnly = pod('Burstable', [c('a', { requests: { cpu: '100m' }, limits: { cpu: '1', memory: '100Mi' } }), c('b', { limits: { cpu: '500m' } })]);
  assert.deepEqual(podResourceConfig(cpuOnly), { cpuShares: 102, cpuQuota: 150_000, cpuPeriod: 100_000 });
  const memoryOnly = pod('Burstable', [c('a', { requests: { memory: '10Mi' }, limits: { memory: '100Mi' } }), c('b', { limits: { cpu: '1', memory: '1Mi' } })]);
  assert.deepEqual(podResourceConfig(memoryOnly), { cpuShares: 2, memoryLimitBytes: 101 * 2 ** 20 });
  const none = pod('Burstable', [c('a', { requests: { cpu: '2' } })]);
  assert.deepEqual(podResourceConfig(none), { cpuShares: 2048 });
});

test('BestEffort: the minimum shares and nothing else', () => {
  assert.deepEqual(podResourceConfig(pod('BestEffort', [c('a', {})])), { cpuShares: 2 });
});

test('init containers count as their maximum, sidecars add up, the overhead is added', () => {
  const p = pod('Burstable', [c('app', { requests: { cpu: '200m' }, limits: { cpu: '400m', memory: '100Mi' } })], {
    initContainers: [
      c('setup', { requests: { cpu: '1' }, limits: { cpu: '2', memory: '10Mi' } }),
      c('proxy', { requests: { cpu: '100m' }, limits: { cpu: '100m', memory: '20Mi' } }, { restartPolicy: 'Always' }),
    ],
    overhead: { cpu: '50m', memory: '5Mi' },
  });
  // requests: max(200+100 running together, 1000 for setup) + 50 overhead; limits likewise 2000 + 50.
  assert.deepEqual(podResourceConfig(p), { cpuShares: 1075, cpuQuota: 205_000, cpuPeriod: 100_000, memoryLimitBytes: 125 * 2 ** 20 });
  // An init container without a CPU limit leaves the pod without a quota.
  const unlimitedInit = pod('Burstable', [c('app', { limits: { cpu: '400m' } })], { initContainers: [c('setup', { requests: { cpu: '1' } })] });
  assert.deepEqual(podResourceConfig(unlimitedInit), { cpuShares: 1024 });
});

test('the Burstable cgroup gets its running pods\' summed requests, at least the minimum', () => {
  const b1 = pod('Burstable', [c('a', { requests: { cpu: '300m' } })]);
  const b2 = pod('Burstable', [c('a', { requests: { cpu: '1' }, limits: { cpu: '2' } })]);
  const done = pod('Burstable', [c('a', { requests: { cpu: '4' } })], {}, 'Succeeded');
  const g = pod('Guaranteed', [c('a', { requests: { cpu: '1', memory: '1Mi' }, limits: { cpu: '1', memory: '1Mi' } })]);
  assert.equal(burstableCpuShares([b1, b2, done, g]), 1331);
  assert.equal(burstableCpuShares([g]), 2);
  assert.equal(burstableCpuShares([]), 2);
});
