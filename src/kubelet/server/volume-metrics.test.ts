import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderVolumeStats } from './volume-metrics.js';

test('kubelet_volume_stats_*: one gauge series per claim, labelled by namespace and claim', () => {
  assert.equal(renderVolumeStats([]), '');
  const out = renderVolumeStats([{ namespace: 'ns', persistentvolumeclaim: 'data', capacityBytes: 100, availableBytes: 60, usedBytes: 40, inodes: 10, inodesFree: 7, inodesUsed: 3 }]);
  assert.match(out, /^# HELP kubelet_volume_stats_capacity_bytes \[ALPHA\] Capacity in bytes of the volume\n# TYPE kubelet_volume_stats_capacity_bytes gauge\n/);
  for (const [name, value] of [['capacity_bytes', 100], ['available_bytes', 60], ['used_bytes', 40], ['inodes', 10], ['inodes_free', 7], ['inodes_used', 3]]) {
    assert.match(out, new RegExp(`\\nkubelet_volume_stats_${name}\\{namespace="ns",persistentvolumeclaim="data"\\} ${value}\\n`));
  }
});
