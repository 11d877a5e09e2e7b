// Every component's Prometheus series over HTTP, as a scraper sees them, parsed by the strict
// text-format parser: the API server's storage and request series (/metrics), the kubelet's through
// the API server's node proxy, and kube-proxy's on the node's 127.0.0.1:10249. One real node (the
// server's own, in its network namespace), one pod started through the scheduler, one Service.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseExposition, series, type MetricFamily } from '../../src/metrics/testing/prometheus-text.js';
import { eventually } from './harness.js';
import { NetnsCluster } from './support/netns-cluster.js';
import { httpdContainer, pod } from './support/pods.js';

type Families = Map<string, MetricFamily>;

const value = (f: Families, name: string, labels: Record<string, string> = {}) => series(f, name, labels).reduce((sum, s) => sum + s.value, 0);

function assertTypes(f: Families, types: Record<string, string>): void {
  const actual = Object.fromEntries(Object.keys(types).map(name => [name, f.get(name)?.type]));
  assert.deepEqual(actual, types);
}

describe('Prometheus series of every component', { timeout: 180_000 }, () => {
  let c: NetnsCluster;
  let node: string;

  before(async () => {
    c = await NetnsCluster.start({ agents: 0 });
    node = c.server.name;
    await c.waitForReadyNodes(1);
  });

  after(async () => {
    await c?.destroy();
  });

  const apiserver = async () => parseExposition(await c.k(['get', '--raw', '/metrics']));
  const kubelet = async () => parseExposition(await c.k(['get', '--raw', `/api/v1/nodes/${node}/proxy/metrics`]));
  const kubeProxy = () => parseExposition(c.inNode(node, 'curl', ['-sf', '-m', '5', 'http://127.0.0.1:10249/metrics']));

  test('API server: storage requests by operation and resource, database size, long-running requests, watch events, node zones', async () => {
    const before = await apiserver();
    const creates = (f: Families) => value(f, 'etcd_request_duration_seconds_count', { operation: 'create', type: 'configmaps' });
    await c.k(['create', 'configmap', 'metrics-a', '--from-literal=k=v']);
    await c.k(['create', 'configmap', 'metrics-b', '--from-literal=k=v']);
    const f = await apiserver();
    assertTypes(f, {
      etcd_request_duration_seconds: 'histogram', etcd_requests_total: 'counter', etcd_request_errors_total: 'counter',
      apiserver_storage_objects: 'gauge', apiserver_storage_size_bytes: 'gauge', apiserver_longrunning_requests: 'gauge',
      apiserver_current_inflight_requests: 'gauge', apiserver_watch_events_total: 'counter', apiserver_watch_events_sizes: 'histogram',
      apiserver_request_duration_seconds: 'histogram',
    });
    assert.ok(creates(f) >= creates(before) + 2, `creates ${creates(before)} → ${creates(f)}`);
    assert.ok(value(f, 'etcd_requests_total', { operation: 'create', type: 'configmaps' }) >= 2);
    // Objects of other groups are named as upstream's GroupResource.String() names them.
    assert.ok(value(f, 'etcd_requests_total', { type: 'leases.coordination.k8s.io' }) >= 1, 'node leases are written');
    assert.ok(value(f, 'apiserver_storage_size_bytes', { storage_cluster_id: 'etcd-0' }) > 4096, 'the SQLite file');
    assert.ok(value(f, 'apiserver_storage_objects', { resource: 'configmaps' }) >= 2);
    // The controllers' and the kubelet's informers hold watches open on the API server.
    assert.ok(value(f, 'apiserver_longrunning_requests', { verb: 'WATCH', group: '', version: 'v1', resource: 'pods', component: 'apiserver' }) >= 1);
    assert.ok(value(f, 'apiserver_watch_events_total', { group: '', version: 'v1', kind: 'ConfigMap' }) >= 2, 'the new ConfigMaps went out to watchers');
    assert.equal(series(f, 'apiserver_request_duration_seconds_bucket', { verb: 'POST', resource: 'configmaps', le: '0.005' }).length, 1);
    // The embedded controller manager's node lifecycle controller: one node, in no zone, Ready.
    const zones = await eventually(async () => {
      const m = await apiserver();
      return value(m, 'node_collector_zone_size', { zone: '' }) === 1 ? m : undefined;
    }, 20_000, 'node_collector_zone_size{zone=""} = 1');
    assert.equal(value(zones, 'node_collector_zone_health', { zone: '' }), 100);
    assert.equal(value(zones, 'node_collector_unhealthy_nodes_in_zone', { zone: '' }), 0);
  });

  test('kubelet and scheduler: a pod scheduled and started is counted, timed and its CRI calls recorded', async () => {
    await c.k(['apply', '-f', '-'], pod('web', { terminationGracePeriodSeconds: 1, containers: [httpdContainer('echo hello > /www/index.html')] }, { labels: { app: 'web' } }));
    await c.k(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } }));
    await c.k(['wait', '--for=condition=Ready', 'pod/web', '--timeout=90s']);
    // The SLI is recorded once the watch shows every container running.
    const f = await eventually(async () => {
      const m = await kubelet();
      return value(m, 'kubelet_pod_start_sli_duration_seconds_count') >= 1 ? m : undefined;
    }, 30_000, 'kubelet_pod_start_sli_duration_seconds_count ≥ 1');
    assertTypes(f, {
      kubelet_node_name: 'gauge', kubelet_pod_start_sli_duration_seconds: 'histogram', kubelet_pod_start_duration_seconds: 'histogram',
      kubelet_pod_worker_duration_seconds: 'histogram', kubelet_runtime_operations_total: 'counter', kubelet_runtime_operations_duration_seconds: 'histogram',
      kubelet_runtime_operations_errors_total: 'counter', kubelet_started_pods_total: 'counter', kubelet_started_containers_total: 'counter',
    });
    assert.equal(value(f, 'kubelet_node_name', { node }), 1);
    const sli = value(f, 'kubelet_pod_start_sli_duration_seconds_sum') / value(f, 'kubelet_pod_start_sli_duration_seconds_count');
    assert.ok(sli > 0 && sli < 60, `pod startup SLI ${sli}s`);
    assert.ok(value(f, 'kubelet_pod_start_duration_seconds_count') >= 1);
    assert.ok(value(f, 'kubelet_pod_worker_duration_seconds_count', { operation_type: 'create' }) >= 1);
    assert.ok(value(f, 'kubelet_started_pods_total') >= 1);
    assert.ok(value(f, 'kubelet_started_containers_total', { container_type: 'container' }) >= 1);
    for (const op of ['run_podsandbox', 'create_container', 'start_container', 'list_podsandbox', 'list_containers', 'image_status']) {
      assert.ok(value(f, 'kubelet_runtime_operations_total', { operation_type: op }) >= 1, op);
      assert.ok(value(f, 'kubelet_runtime_operations_duration_seconds_count', { operation_type: op }) >= 1, op);
    }
    const s = await apiserver();
    assert.ok(value(s, 'scheduler_schedule_attempts_total', { result: 'scheduled', profile: 'default-scheduler' }) >= 1);
    assert.ok(value(s, 'scheduler_pod_scheduling_sli_duration_seconds_count', { attempts: '1' }) >= 1);
    assert.equal(s.get('scheduler_plugin_execution_duration_seconds')?.type, 'histogram');
    for (const queue of ['active', 'backoff', 'unschedulable', 'gated']) assert.equal(series(s, 'scheduler_pending_pods', { queue }).length, 1, queue);
  });

  test('kube-proxy: rule syncs, changes and network programming latency on 127.0.0.1:10249', async () => {
    // The Service's slice carries the trigger time of its pod turning Ready; once programmed, it is observed.
    const f = await eventually(() => {
      const m = kubeProxy();
      return value(m, 'kubeproxy_network_programming_duration_seconds_count') >= 1 ? m : undefined;
    }, 30_000, 'kubeproxy_network_programming_duration_seconds_count ≥ 1');
    assertTypes(f, {
      kubeproxy_sync_proxy_rules_duration_seconds: 'histogram', kubeproxy_sync_full_proxy_rules_duration_seconds: 'histogram',
      kubeproxy_sync_partial_proxy_rules_duration_seconds: 'histogram', kubeproxy_sync_proxy_rules_last_timestamp_seconds: 'gauge',
      kubeproxy_network_programming_duration_seconds: 'histogram', kubeproxy_sync_proxy_rules_endpoint_changes_total: 'counter',
      kubeproxy_sync_proxy_rules_service_changes_total: 'counter', kubeproxy_sync_proxy_rules_iptables_total: 'gauge',
    });
    assert.ok(value(f, 'kubeproxy_sync_proxy_rules_duration_seconds_count') >= 2, 'the first full sync and the Service\'s');
    assert.ok(value(f, 'kubeproxy_sync_full_proxy_rules_duration_seconds_count') >= 1);
    const last = value(f, 'kubeproxy_sync_proxy_rules_last_timestamp_seconds');
    assert.ok(Math.abs(last - Date.now() / 1000) < 600, `last sync at ${last}`);
    const latency = value(f, 'kubeproxy_network_programming_duration_seconds_sum') / value(f, 'kubeproxy_network_programming_duration_seconds_count');
    assert.ok(latency >= 0 && latency < 60, `network programming latency ${latency}s`);
    assert.ok(value(f, 'kubeproxy_sync_proxy_rules_endpoint_changes_total') >= 1);
    assert.ok(value(f, 'kubeproxy_sync_proxy_rules_service_changes_total') >= 1);
    assert.equal(value(f, 'process_start_time_seconds') > 0, true);
  });
});
