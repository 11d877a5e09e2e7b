import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from '../metrics/registry.js';
import { parseExposition, series } from '../metrics/testing/prometheus-text.js';
import { ProxyMetrics } from './proxy-metrics.js';

test('syncs, changes and network programming latency are recorded under upstream\'s names and buckets', async () => {
  const registry = new Registry();
  const m = new ProxyMetrics(registry);
  const value = async (name: string, labels: Record<string, string> = {}) => series(parseExposition(await registry.metrics()), name, labels).map(s => s.value);

  m.serviceChanged();
  m.endpointsChanged(Date.now() - 3000);
  m.endpointsChanged();
  assert.deepEqual(await value('kubeproxy_sync_proxy_rules_service_changes_pending'), [1]);
  assert.deepEqual(await value('kubeproxy_sync_proxy_rules_endpoint_changes_pending'), [2]);
  const failed = m.syncStarting();
  m.syncFailed(failed, true);
  assert.deepEqual(await value('kubeproxy_sync_proxy_rules_iptables_restore_failures_total'), [1]);
  assert.deepEqual(await value('kubeproxy_network_programming_duration_seconds_count'), [0], 'not programmed yet');

  const taken = m.syncStarting();
  assert.deepEqual(await value('kubeproxy_sync_proxy_rules_endpoint_changes_pending'), [0]);
  m.synced(false, 0.012, taken, { nat: 40, filter: 6 });
  assert.deepEqual(await value('kubeproxy_sync_proxy_rules_endpoint_changes_total'), [2]);
  assert.deepEqual(await value('kubeproxy_sync_proxy_rules_service_changes_total'), [1]);
  assert.deepEqual(await value('kubeproxy_sync_proxy_rules_duration_seconds_count'), [1]);
  assert.deepEqual(await value('kubeproxy_sync_partial_proxy_rules_duration_seconds_count'), [1]);
  assert.deepEqual(await value('kubeproxy_sync_full_proxy_rules_duration_seconds_count'), [0]);
  assert.deepEqual(await value('kubeproxy_sync_proxy_rules_iptables_total', { table: 'nat' }), [40]);
  assert.deepEqual(await value('kubeproxy_sync_proxy_rules_iptables_total', { table: 'filter' }), [6]);
  const [last] = await value('kubeproxy_sync_proxy_rules_last_timestamp_seconds');
  assert.ok(Math.abs(last! - Date.now() / 1000) < 5);
  // The change triggered 3 s before it was programmed, after the failed sync handed it back.
  assert.deepEqual(await value('kubeproxy_network_programming_duration_seconds_count'), [1]);
  assert.deepEqual(await value('kubeproxy_network_programming_duration_seconds_bucket', { le: '3' }), [0]);
  assert.deepEqual(await value('kubeproxy_network_programming_duration_seconds_bucket', { le: '4' }), [1]);

  const families = parseExposition(await registry.metrics());
  const les = series(families, 'kubeproxy_network_programming_duration_seconds_bucket').map(s => s.labels.le);
  assert.deepEqual(les.slice(0, 5), ['0', '0.25', '0.5', '1', '2']);
  assert.deepEqual(les.slice(-3), ['270', '300', '+Inf']);
  assert.equal(les.length, 1 + 2 + 59 + 12 + 7 + 1);
  assert.deepEqual(series(families, 'kubeproxy_sync_proxy_rules_duration_seconds_bucket').map(s => s.labels.le).slice(0, 3), ['0.001', '0.002', '0.004']);
  assert.equal(families.get('kubeproxy_sync_proxy_rules_iptables_total')?.type, 'gauge');
  assert.equal(families.get('kubeproxy_sync_proxy_rules_endpoint_changes_total')?.type, 'counter');
});
