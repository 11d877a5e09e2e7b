import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeReadings } from './resource-metrics-text.js';
import { UsageStore } from './usage-store.js';

const T0 = 1_800_000_000_000;
const container = (cpuSeconds: number, timestampMs: number, startTimeMs?: number, memoryBytes = 1000) =>
  ({ namespace: 'ns', pod: 'p', container: 'c', cpuSeconds, memoryBytes, timestampMs, ...(startTimeMs !== undefined ? { startTimeMs } : {}) });
const cycle = (store: UsageStore, at: number, r: NodeReadings) => store.store(new Map([['n1', r]]), at);

test('usage is the CPU time between two readings over the time between them; memory the last working set', () => {
  const store = new UsageStore();
  cycle(store, T0, { node: { timestampMs: T0, cpuSeconds: 100, memoryBytes: 5000 }, containers: [container(10, T0, T0 - 60_000)] });
  assert.equal(store.node('n1'), undefined, 'one reading is no rate');
  assert.equal(store.pod('ns', 'p'), undefined);
  cycle(store, T0 + 15_000, { node: { timestampMs: T0 + 15_000, cpuSeconds: 115, memoryBytes: 6000 }, containers: [container(17.5, T0 + 15_000, T0 - 60_000, 2048)] });
  assert.deepEqual(store.node('n1'), { timestampMs: T0 + 15_000, windowMs: 15_000, usage: { cpuNanoCores: 1_000_000_000, memoryBytes: 6000 } });
  assert.deepEqual(store.pod('ns', 'p'), { timestampMs: T0 + 15_000, windowMs: 15_000, containers: [{ name: 'c', usage: { cpuNanoCores: 500_000_000, memoryBytes: 2048 } }] });
});

test('the same reading again changes nothing; a node left out of a cycle is forgotten', () => {
  const store = new UsageStore();
  cycle(store, T0, { node: { timestampMs: T0, cpuSeconds: 1, memoryBytes: 1 }, containers: [] });
  cycle(store, T0 + 10_000, { node: { timestampMs: T0 + 10_000, cpuSeconds: 3, memoryBytes: 1 }, containers: [] });
  cycle(store, T0 + 20_000, { node: { timestampMs: T0 + 10_000, cpuSeconds: 3, memoryBytes: 1 }, containers: [] });
  assert.equal(store.node('n1')?.usage.cpuNanoCores, 200_000_000);
  store.store(new Map(), T0 + 30_000);
  assert.equal(store.node('n1'), undefined);
});

test('a container started since the last cycle is measured from its start; a restart from the new start', () => {
  const store = new UsageStore();
  cycle(store, T0, { containers: [] });
  // Started 5 s after the last cycle, read 10 s after that having used 2.5 s of CPU.
  cycle(store, T0 + 15_000, { containers: [container(2.5, T0 + 15_000, T0 + 5_000)] });
  assert.deepEqual(store.pod('ns', 'p')?.containers[0].usage.cpuNanoCores, 250_000_000);
  assert.equal(store.pod('ns', 'p')?.windowMs, 10_000);
  // Restarted at +25 s (the counter starts over): 1 s used in the 5 s since.
  cycle(store, T0 + 30_000, { containers: [container(1, T0 + 30_000, T0 + 25_000)] });
  assert.deepEqual(store.pod('ns', 'p')?.containers[0].usage.cpuNanoCores, 200_000_000);
  // A counter that went down without a known start gives no rate until the next reading.
  cycle(store, T0 + 45_000, { containers: [container(0.5, T0 + 45_000)] });
  assert.equal(store.pod('ns', 'p'), undefined);
});

test('a pod has usage only when every container has a rate', () => {
  const store = new UsageStore();
  const two = (at: number, cpu: number) => [container(cpu, at, T0 - 1000), { ...container(cpu, at), container: 'side' }];
  cycle(store, T0, { containers: [container(1, T0, T0 - 1000)] });
  cycle(store, T0 + 10_000, { containers: two(T0 + 10_000, 2) });
  assert.equal(store.pod('ns', 'p'), undefined, 'the sidecar has one reading');
  cycle(store, T0 + 20_000, { containers: two(T0 + 20_000, 3) });
  assert.deepEqual(store.pod('ns', 'p')?.containers.map(c => c.name), ['c', 'side']);
});
