import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExposition, series } from '../../metrics/testing/prometheus-text.js';
import type { Container, ContainerStats, PodSandbox } from '../cri/types.js';
import { CpuRates } from './cpu-rates.js';
import { assembleSummary, resourceMetrics, type Summary, type SummaryReadings } from './stats.js';

test('resource metrics carry the summary in upstream series names and units, stamped with the reading time', async () => {
  const t = '2026-11-23T12:00:00.000Z';
  const summary: Summary = {
    node: { nodeName: 'n1', startTime: t, cpu: { time: t, usageCoreNanoSeconds: 2_500_000_000 }, memory: { time: t, workingSetBytes: 1024 } },
    pods: [{
      podRef: { name: 'web', namespace: 'default', uid: 'u1' }, startTime: t,
      containers: [{ name: 'httpd', startTime: '2026-11-23T11:00:00.500Z', cpu: { time: t, usageCoreNanoSeconds: 500_000_000 }, memory: { time: t, workingSetBytes: 300 } }],
      cpu: { time: t, usageCoreNanoSeconds: 500_000_000 }, memory: { time: t, workingSetBytes: 300 },
    }],
  };
  const families = parseExposition(await resourceMetrics(summary));
  const value = (name: string, labels: Record<string, string> = {}) => series(families, name, labels).map(s => s.value);
  assert.deepEqual(value('node_cpu_usage_seconds_total'), [2.5]);
  assert.deepEqual(value('node_memory_working_set_bytes'), [1024]);
  assert.deepEqual(value('pod_memory_working_set_bytes', { namespace: 'default', pod: 'web' }), [300]);
  assert.deepEqual(value('container_cpu_usage_seconds_total', { container: 'httpd', namespace: 'default', pod: 'web' }), [0.5]);
  assert.deepEqual(value('container_start_time_seconds', { container: 'httpd', namespace: 'default', pod: 'web' }), [Date.parse('2026-11-23T11:00:00.500Z') / 1000]);
  assert.equal(families.get('container_memory_working_set_bytes')?.type, 'gauge');
  assert.equal(families.get('container_cpu_usage_seconds_total')?.type, 'counter');
  assert.deepEqual(value('scrape_error'), [0]);
  assert.deepEqual(series(families, 'node_cpu_usage_seconds_total', {})[0].timestampMs, Date.parse(t));
});

const NS = 1e6;
const sandbox = (uid: string, name: string, state = 'SANDBOX_READY') => ({
  id: `sb-${uid}`, state, createdAt: 1_000 * NS, labels: { 'io.kubernetes.pod.uid': uid, 'io.kubernetes.pod.name': name, 'io.kubernetes.pod.namespace': 'ns' },
}) as unknown as PodSandbox;
const container = (id: string, state = 'CONTAINER_RUNNING') => ({ id, state, createdAt: 2_000 * NS }) as unknown as Container;
const stats = (id: string, uid: string, name: string, cpuNs: number, atMs: number, workingSet: number) => ({
  attributes: { id, labels: { 'io.kubernetes.pod.uid': uid, 'io.kubernetes.container.name': name } },
  cpu: { timestamp: atMs * NS, usageCoreNanoSeconds: { value: cpuNs }, usageNanoCores: { value: 123 } },
  memory: { timestamp: atMs * NS, workingSetBytes: { value: workingSet }, usageBytes: { value: workingSet * 2 }, rssBytes: { value: 10 }, pageFaults: { value: 1 }, majorPageFaults: { value: 0 }, availableBytes: null },
}) as unknown as ContainerStats;

function readings(atMs: number, cpu: { machine: number; a: number; b: number; gone: number }): SummaryReadings {
  return {
    nodeName: 'n1', nowMs: atMs, bootTime: '2026-11-23T00:00:00.000Z',
    machine: { cpuUsageNanoseconds: cpu.machine, memory: { usageBytes: 900, workingSetBytes: 600, rssBytes: 300, cacheBytes: 500, pageFaults: 7, majorPageFaults: 1 } },
    machineMemoryBytes: 1000,
    sandboxes: [sandbox('u1', 'two'), sandbox('u2', 'stopped', 'SANDBOX_NOTREADY')],
    containers: [container('a'), container('b'), container('gone', 'CONTAINER_EXITED')],
    stats: [stats('a', 'u1', 'app', cpu.a, atMs, 100), stats('b', 'u1', 'side', cpu.b, atMs, 50), stats('gone', 'u1', 'old', cpu.gone, atMs, 999)],
  };
}

test('the summary: the machine from its root cgroup, running containers from CRI, pods as their sum, rates over two readings', () => {
  const rates = new CpuRates();
  const first = assembleSummary(readings(10_000, { machine: 50e9, a: 1e9, b: 2e9, gone: 5e9 }), rates);
  assert.equal(first.node.cpu.usageNanoCores, undefined, 'no rate from one reading (not the runtime\'s own figure)');
  assert.equal(first.pods[0].containers[0].cpu?.usageNanoCores, undefined);
  const s = assembleSummary(readings(12_000, { machine: 52e9, a: 2e9, b: 2.1e9, gone: 6e9 }), rates);
  assert.deepEqual(s.node.cpu, { time: new Date(12_000).toISOString(), usageCoreNanoSeconds: 52e9, usageNanoCores: 1e9 });
  assert.deepEqual(s.node.memory, { time: new Date(12_000).toISOString(), availableBytes: 400, usageBytes: 900, workingSetBytes: 600, rssBytes: 300, pageFaults: 7, majorPageFaults: 1 });
  assert.equal(s.pods.length, 1, 'only ready sandboxes are pods');
  const [pod] = s.pods;
  assert.deepEqual(pod.podRef, { name: 'two', namespace: 'ns', uid: 'u1' });
  assert.deepEqual(pod.containers.map(c => [c.name, c.cpu?.usageNanoCores, c.memory?.workingSetBytes, c.startTime]), [
    ['app', 500_000_000, 100, new Date(2_000).toISOString()],
    ['side', 50_000_000, 50, new Date(2_000).toISOString()],
  ]);
  assert.equal(pod.cpu?.usageNanoCores, 550_000_000);
  assert.equal(pod.cpu?.usageCoreNanoSeconds, 4.1e9);
  assert.equal(pod.memory?.workingSetBytes, 150);
});

test('a pod with its own cgroup reports that cgroup\'s usage, its CPU rate over two readings', () => {
  const rates = new CpuRates();
  const own = (cpuNs: number) => new Map([['u1', { cpuUsageNanoseconds: cpuNs, memory: { usageBytes: 400, workingSetBytes: 300, rssBytes: 200, cacheBytes: 100, pageFaults: 5, majorPageFaults: 2, limitBytes: 1000 } }]]);
  assembleSummary({ ...readings(10_000, { machine: 50e9, a: 1e9, b: 2e9, gone: 5e9 }), podCgroups: own(4e9) }, rates);
  const s = assembleSummary({ ...readings(12_000, { machine: 52e9, a: 2e9, b: 2.1e9, gone: 6e9 }), podCgroups: own(5.5e9) }, rates);
  const [pod] = s.pods;
  const time = new Date(12_000).toISOString();
  // Not the containers' sum (4.1e9, 150 bytes): the pod cgroup also holds the sandbox's usage.
  assert.deepEqual(pod.cpu, { time, usageCoreNanoSeconds: 5.5e9, usageNanoCores: 750_000_000 });
  assert.deepEqual(pod.memory, { time, availableBytes: 700, usageBytes: 400, workingSetBytes: 300, rssBytes: 200, pageFaults: 5, majorPageFaults: 2 });
  assert.equal(pod.containers.length, 2);
});
