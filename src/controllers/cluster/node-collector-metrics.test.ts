import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from '../../metrics/registry.js';
import { parseExposition, series } from '../../metrics/testing/prometheus-text.js';
import { NodeCollectorMetrics, zoneKey } from './node-collector-metrics.js';
import type { Node } from './types.js';

const node = (name: string, ready: boolean, labels: Record<string, string> = {}): Node => ({
  metadata: { name, labels }, spec: {}, status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'Unknown' }] },
});

test('zone size, unhealthy nodes and health per zone, and evictions, as upstream\'s node_collector series', async () => {
  const registry = new Registry();
  const m = new NodeCollectorMetrics(registry);
  const zoned = { 'topology.kubernetes.io/region': 'r1', 'topology.kubernetes.io/zone': 'a' };
  const nodes = [node('n1', true), node('n2', false), node('n3', true, zoned), node('n4', true, zoned), node('n5', true, zoned), node('n6', false, zoned)];
  m.watch(() => nodes);
  m.nodeTaintedForEviction(nodes[1]!);
  const f = parseExposition(await registry.metrics());
  const zone = zoneKey(nodes[2]!);
  assert.equal(zone, 'r1:\u0000:a');
  const v = (name: string, z: string) => series(f, name, { zone: z }).map(s => s.value);
  assert.deepEqual([v('node_collector_zone_size', ''), v('node_collector_zone_size', zone)], [[2], [4]]);
  assert.deepEqual([v('node_collector_unhealthy_nodes_in_zone', ''), v('node_collector_unhealthy_nodes_in_zone', zone)], [[1], [1]]);
  assert.deepEqual([v('node_collector_zone_health', ''), v('node_collector_zone_health', zone)], [[50], [75]]);
  assert.deepEqual(v('node_collector_evictions_total', ''), [1]);
  assert.equal(f.get('node_collector_evictions_total')?.type, 'counter');
});
