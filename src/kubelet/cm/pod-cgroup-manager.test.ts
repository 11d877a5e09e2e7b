import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import type { PodObject } from '../types.js';
import { PodCgroupManager } from './pod-cgroup-manager.js';

let fs: string;
beforeEach(() => {
  fs = mkdtempSync(join(tmpdir(), 'pod-cgroups-'));
  for (const c of ['cpu', 'cpuacct', 'memory', 'pids', 'cpuset']) mkdirSync(join(fs, c));
});
afterEach(() => rmSync(fs, { recursive: true, force: true }));

const read = (...p: string[]) => readFileSync(join(fs, ...p), 'utf8').trim();

function pod(uid: string, qosClass: string, cpu?: string, memory?: string): PodObject {
  const requests: Record<string, string> = {};
  if (cpu) requests.cpu = cpu;
  if (memory) requests.memory = memory;
  const resources = { requests, limits: qosClass === 'Guaranteed' ? requests : {} };
  return { metadata: { name: uid, namespace: 'default', uid }, spec: { containers: [{ name: 'c', resources }] }, status: { phase: 'Running', qosClass } };
}

test('the QoS cgroups are made in each managed controller with their shares, and kept so', () => {
  const m = new PodCgroupManager('/kubepods', fs);
  assert.equal(m.updateQos([pod('b', 'Burstable', '1500m')]), 1536);
  for (const c of ['cpu', 'cpuacct', 'memory', 'pids']) {
    assert.ok(existsSync(join(fs, c, 'kubepods', 'burstable')), c);
    assert.ok(existsSync(join(fs, c, 'kubepods', 'besteffort')), c);
  }
  assert.equal(existsSync(join(fs, 'cpuset', 'kubepods')), false, 'left to the runtime');
  assert.equal(read('cpu', 'kubepods', 'besteffort', 'cpu.shares'), '2');
  assert.equal(read('cpu', 'kubepods', 'burstable', 'cpu.shares'), '1536');
  writeFileSync(join(fs, 'cpu', 'kubepods', 'besteffort', 'cpu.shares'), '1024\n');
  assert.equal(m.updateQos([pod('b', 'Burstable', '1500m'), pod('c', 'Burstable', '500m')]), 2048);
  assert.equal(read('cpu', 'kubepods', 'burstable', 'cpu.shares'), '2048');
  assert.equal(read('cpu', 'kubepods', 'besteffort', 'cpu.shares'), '2', 'BestEffort is put back to the minimum');
  rmSync(join(fs, 'memory', 'kubepods', 'burstable'), { recursive: true });
  m.updateQos([]);
  assert.ok(existsSync(join(fs, 'memory', 'kubepods', 'burstable')), 'a removed QoS cgroup is made again');
});

test('a pod cgroup is made under its class with its settings, once', () => {
  const m = new PodCgroupManager('/kubepods', fs);
  m.updateQos([]);
  const g = pod('g1', 'Guaranteed', '250m', '64Mi');
  assert.equal(m.parentOf(g), '/kubepods/podg1');
  assert.equal(m.ensurePod(g), true);
  assert.equal(read('cpu', 'kubepods', 'podg1', 'cpu.shares'), '256');
  assert.equal(read('cpu', 'kubepods', 'podg1', 'cpu.cfs_period_us'), '100000');
  assert.equal(read('cpu', 'kubepods', 'podg1', 'cpu.cfs_quota_us'), '25000');
  assert.equal(read('memory', 'kubepods', 'podg1', 'memory.limit_in_bytes'), String(64 * 2 ** 20));
  writeFileSync(join(fs, 'cpu', 'kubepods', 'podg1', 'cpu.shares'), '300\n');
  assert.equal(m.ensurePod(g), false);
  assert.equal(read('cpu', 'kubepods', 'podg1', 'cpu.shares'), '300', 'an existing cgroup is left as it is');
  const be = pod('e1', 'BestEffort');
  assert.equal(m.ensurePod(be), true);
  assert.equal(read('cpu', 'kubepods', 'besteffort', 'pode1', 'cpu.shares'), '2');
  assert.equal(existsSync(join(fs, 'memory', 'kubepods', 'besteffort', 'pode1', 'memory.limit_in_bytes')), false);
  m.ensurePod(pod('b1', 'Burstable', '100m'));
  assert.deepEqual(Object.fromEntries(m.podCgroups()), { g1: '/kubepods/podg1', b1: '/kubepods/burstable/podb1', e1: '/kubepods/besteffort/pode1' });
});

test('a pod without a recorded QoS class is placed by the class its spec gives (upstream\'s GetPodQOS)', () => {
  const m = new PodCgroupManager('/kubepods', fs);
  const unrecorded = (p: PodObject): PodObject => ({ ...p, status: { phase: 'Pending' } });
  assert.equal(m.parentOf(unrecorded(pod('g2', 'Guaranteed', '250m', '64Mi'))), '/kubepods/podg2');
  assert.equal(m.parentOf(unrecorded(pod('b2', 'Burstable', '100m'))), '/kubepods/burstable/podb2');
  assert.equal(m.parentOf(unrecorded(pod('e2', 'BestEffort'))), '/kubepods/besteffort/pode2');
  assert.equal(m.ensurePod(unrecorded(pod('g2', 'Guaranteed', '250m', '64Mi'))), true);
  assert.equal(read('cpu', 'kubepods', 'podg2', 'cpu.cfs_quota_us'), '25000');
  assert.equal(m.updateQos([unrecorded(pod('b2', 'Burstable', '1500m'))]), 1536, 'its requests count for the Burstable cgroup');
});

test('removing a pod cgroup removes it and what the runtime made below it from every hierarchy', async () => {
  const m = new PodCgroupManager('/kubepods', fs);
  // Directories only: a fake cgroup fs keeps written files, which a real cgroup's rmdir ignores.
  for (const c of ['cpu', 'cpuacct', 'memory', 'pids']) mkdirSync(join(fs, c, 'kubepods', 'burstable', 'podb1'), { recursive: true });
  for (const c of ['cpu', 'cpuset']) mkdirSync(join(fs, c, 'kubepods', 'burstable', 'podb1', 'sandbox'), { recursive: true });
  assert.equal(await m.removePod('b1'), true);
  for (const c of ['cpu', 'cpuacct', 'memory', 'pids', 'cpuset']) assert.equal(existsSync(join(fs, c, 'kubepods', 'burstable', 'podb1')), false, c);
  assert.ok(existsSync(join(fs, 'cpu', 'kubepods', 'burstable')));
  assert.equal(await m.removePod('b1'), false);
});

test('cgroup v2: nothing is made, pods keep the pods cgroup as parent', () => {
  writeFileSync(join(fs, 'cgroup.controllers'), 'cpu memory\n');
  const m = new PodCgroupManager('/kubepods', fs);
  m.updateQos([]);
  assert.equal(m.enabled, false);
  assert.equal(m.parentOf(pod('g1', 'Guaranteed', '1', '1Mi')), '/kubepods');
  assert.equal(m.ensurePod(pod('g1', 'Guaranteed', '1', '1Mi')), false);
  assert.equal(existsSync(join(fs, 'cpu', 'kubepods')), false);
});
