import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExposition, series } from '../../metrics/testing/prometheus-text.js';
import { removeCgroupTree } from '../../util/cgroups.js';
import { PodCgroupManager } from '../cm/pod-cgroup-manager.js';
import type { RuntimeClient } from '../cri/client.js';
import { cadvisorMetrics, RuntimeDetailsCache, watchedCgroups, type WatchedCgroup } from './cadvisor-metrics.js';

const memory = (workingSet: number, limitBytes?: number) => ({ usageBytes: workingSet + 100, workingSetBytes: workingSet, rssBytes: 40, cacheBytes: 60, pageFaults: 0, majorPageFaults: 0, ...(limitBytes ? { limitBytes } : {}) });

test('cgroup readings become cAdvisor series with its labels; usage stamped, spec not', async () => {
  const cgroups: WatchedCgroup[] = [
    { labels: { container: '', id: '/', image: '', name: '', namespace: '', pod: '' }, stats: { cpuUsageNanoseconds: 9e9, memory: memory(5000) } },
    { labels: { container: 'web', id: '/kubepods/abc', image: 'k8ts.local/busybox:1', name: 'abc', namespace: 'ns', pod: 'p' }, startTimeSeconds: 1700000000.25, stats: { cpuUsageNanoseconds: 1.5e9, memory: memory(300, 64 * 1024 * 1024) } },
    { labels: { container: '', id: '/kubepods/sb', image: 'k8ts.local/pause:1', name: 'sb', namespace: 'ns', pod: 'p' }, startTimeSeconds: 1700000000, stats: { cpuUsageNanoseconds: 0, memory: memory(10) } },
  ];
  const families = parseExposition(await cadvisorMetrics(cgroups, false, 1_800_000_000_000));
  const web = { container: 'web', id: '/kubepods/abc', image: 'k8ts.local/busybox:1', name: 'abc', namespace: 'ns', pod: 'p' };
  const [cpu] = series(families, 'container_cpu_usage_seconds_total', web);
  assert.deepEqual([cpu.value, cpu.labels.cpu, cpu.timestampMs], [1.5, 'total', 1_800_000_000_000]);
  assert.equal(families.get('container_cpu_usage_seconds_total')?.type, 'counter');
  assert.deepEqual(series(families, 'container_memory_working_set_bytes', web).map(s => s.value), [300]);
  assert.deepEqual(series(families, 'container_memory_usage_bytes', web).map(s => s.value), [400]);
  assert.deepEqual(series(families, 'container_memory_rss', web).map(s => s.value), [40]);
  assert.deepEqual(series(families, 'container_memory_cache', web).map(s => s.value), [60]);
  const [limit] = series(families, 'container_spec_memory_limit_bytes', web);
  assert.deepEqual([limit.value, limit.timestampMs], [64 * 1024 * 1024, undefined]);
  assert.deepEqual(series(families, 'container_start_time_seconds', web).map(s => s.value), [1700000000.25]);
  // The root: every label empty but id; unlimited memory is 0; a counter at zero is left out.
  assert.deepEqual(series(families, 'container_spec_memory_limit_bytes', { id: '/' }).map(s => s.value), [0]);
  assert.deepEqual(series(families, 'container_cpu_usage_seconds_total', { id: '/kubepods/sb' }), []);
  assert.deepEqual(series(families, 'container_scrape_error').map(s => s.value), [0]);
});

test('the pods cgroup and its QoS classes\' cgroups, read from this machine, have series with every label empty but id', async () => {
  // Real cgroups under a root of the test's own; a runtime running nothing.
  const root = `/k8ts-cadvisor-test-${process.pid}`;
  const manager = new PodCgroupManager(root);
  const runtime = { listPodSandbox: async () => [], listContainers: async () => [] } as unknown as RuntimeClient;
  try {
    manager.updateQos([]);
    const { cgroups, failed } = await watchedCgroups(runtime, new RuntimeDetailsCache(runtime), new Map(), manager.qosCgroups());
    assert.equal(failed, false);
    const families = parseExposition(await cadvisorMetrics(cgroups, failed, Date.now()));
    const ids = [root, `${root}/burstable`, `${root}/besteffort`];
    for (const id of ['/', ...ids]) {
      const [s] = series(families, 'container_memory_working_set_bytes', { id });
      assert.deepEqual(s?.labels, { container: '', id, image: '', name: '', namespace: '', pod: '' }, id);
    }
    for (const id of ids) assert.equal(series(families, 'container_start_time_seconds', { id }).length, 1, id);
    await removeCgroupTree(`${root}/besteffort`);
    assert.equal((await watchedCgroups(runtime, new RuntimeDetailsCache(runtime), new Map(), manager.qosCgroups())).failed, true, 'a QoS cgroup gone is a scrape error');
  } finally {
    await removeCgroupTree(root);
  }
});
