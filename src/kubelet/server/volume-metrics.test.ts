import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from '../../metrics/registry.js';
import type { ClaimVolumeStats } from '../volumes/volume-stats.js';
import { registerVolumeStatsMetrics } from './volume-metrics.js';

test('kubelet_volume_stats_*: one gauge series per claim, labelled by namespace and claim, asked once per scrape', async () => {
  let answer: ClaimVolumeStats[] = [{ namespace: 'ns', persistentvolumeclaim: 'data', capacityBytes: 100, availableBytes: 60, usedBytes: 40, inodes: 10, inodesFree: 7, inodesUsed: 3 }];
  let asked = 0;
  const registry = new Registry();
  registerVolumeStatsMetrics(registry, async () => { asked++; return answer; });
  const out = await registry.metrics();
  assert.equal(asked, 1);
  assert.match(out, /^# HELP kubelet_volume_stats_capacity_bytes \[ALPHA\] Capacity in bytes of the volume\n# TYPE kubelet_volume_stats_capacity_bytes gauge\n/);
  for (const [name, value] of [['capacity_bytes', 100], ['available_bytes', 60], ['used_bytes', 40], ['inodes', 10], ['inodes_free', 7], ['inodes_used', 3]]) {
    assert.match(out, new RegExp(`\\nkubelet_volume_stats_${name}\\{namespace="ns",persistentvolumeclaim="data"\\} ${value}\\n`));
  }
  // A claim gone by a later scrape leaves no series behind.
  answer = [];
  await new Promise(r => setTimeout(r, 1100));
  assert.doesNotMatch(await registry.metrics(), /persistentvolumeclaim="data"/);
  assert.equal(asked, 2);
});
