// Resource metrics on real nodes: a busybox pod that spins (`while :; do :; done`) on the server's
// embedded node and one that sleeps on an agent (each node with its containerd in a test network
// namespace). The built-in metrics API (metrics.k8s.io, scraping both kubelets every 2 s here) shows, through the real `kubectl top`, the
// spinner at the CPU its cgroup says it used (near a whole core on a machine with one to spare) and
// the sleeper near nothing; the kubelet's /metrics/cadvisor, read through the API server's node
// proxy, parses strictly and counts the spinner's CPU time up exactly as its cgroup does.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseMilli, parseQuantity, scaledValue } from '../../src/api/quantity.js';
import { parseExposition, series } from '../../src/metrics/testing/prometheus-text.js';
import { eventually } from './harness.js';
import { pod, sleeperContainer } from './support/pods.js';
import { NetnsCluster } from './support/netns-cluster.js';
import { BUSYBOX_IMAGE } from '../../src/kubelet/images/builtin.js';

const NS = 'top';

/** `kubectl top` rows as {NAME: [cells...]}. */
function rows(out: string): Map<string, string[]> {
  const lines = out.trim().split('\n');
  return new Map(lines.slice(1).map(l => {
    const cells = l.trim().split(/\s+/);
    return [cells[0], cells.slice(1)];
  }));
}

describe('resource metrics and kubectl top', { timeout: 240_000 }, () => {
  let c: NetnsCluster;
  /** The server's node, where the spinner runs, and an agent, where the sleeper runs. */
  let node: string;
  let agent: string;

  let burnerPodCgroup: string;
  let burnerCgroup: string;
  /** The spinner's CPU time as its cgroup counts it, and when it was read. */
  const burnerCpuSeconds = () => ({ seconds: Number(readFileSync(`/sys/fs/cgroup/cpuacct${burnerCgroup}/cpuacct.usage`, 'utf8')) / 1e9, atMs: Date.now() });

  before(async () => {
    c = await NetnsCluster.start({ agents: 1, serverArgs: ['--metric-resolution', '2s'] });
    node = c.nodes[0].name;
    agent = c.nodes[1].name;
    await c.k(['create', 'namespace', NS]);
    await c.k(['apply', '-n', NS, '-f', '-'], [
      pod('burner', { nodeName: node, terminationGracePeriodSeconds: 0, containers: [{ name: 'spin', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'while :; do :; done'], resources: { requests: { cpu: '1' } } }] }, { labels: { role: 'burner' } }),
      pod('idler', { nodeName: agent, terminationGracePeriodSeconds: 0, containers: [sleeperContainer('nap'), sleeperContainer('second')] }, { labels: { role: 'idler' } }),
    ].join('---\n'));
    await c.k(['wait', '-n', NS, '--for=condition=Ready', 'pod/burner', 'pod/idler', '--timeout=90s']);
    const [uid, id] = (await c.k(['get', 'pod', '-n', NS, 'burner', '-o', 'jsonpath={.metadata.uid} {.status.containerStatuses[0].containerID}'])).replace('containerd://', '').split(' ');
    // A CPU request without limits: a Burstable pod, in its own cgroup under the Burstable class's.
    burnerPodCgroup = `${c.cgroupRoot(c.nodes[0])}/burstable/pod${uid}`;
    burnerCgroup = `${burnerPodCgroup}/${id}`;
  });

  after(async () => {
    await c?.destroy();
  });

  test('discovery lists metrics.k8s.io through its local APIService', async () => {
    const apiService = JSON.parse(await c.k(['get', 'apiservice', 'v1beta1.metrics.k8s.io', '-o', 'json']));
    assert.equal(apiService.spec.service, undefined);
    assert.equal(apiService.status.conditions.find((x: { type: string }) => x.type === 'Available')?.status, 'True');
    const resources = await c.k(['api-resources', '--api-group', 'metrics.k8s.io', '--no-headers']);
    assert.match(resources, /^nodes\s+metrics.k8s.io\/v1beta1\s+false\s+NodeMetrics$/m);
    assert.match(resources, /^pods\s+metrics.k8s.io\/v1beta1\s+true\s+PodMetrics$/m);
  });

  test('kubectl top pods: the spinner at the CPU it gets (near a core on an idle machine), the sleeper near nothing', async t => {
    await eventually(async () => {
      const r = await c.kubectl(['top', 'pods', '-n', NS]);
      return r.code === 0 && rows(r.stdout).has('burner') && rows(r.stdout).has('idler');
    }, 60_000, 'kubectl top pods with both pods');
    // What the spinner really used, read from its cgroup around three of `kubectl top`'s answers.
    const before = burnerCpuSeconds();
    const tops: Map<string, string[]>[] = [];
    for (let i = 0; i < 3; i++) {
      await sleep(2000);
      tops.push(rows(await c.k(['top', 'pods', '-n', NS])));
    }
    const measured = (burnerCpuSeconds().seconds - before.seconds) / ((Date.now() - before.atMs) / 1000) * 1000;
    const shown = tops.map(t => Number(parseMilli(t.get('burner')![0])));
    const mean = shown.reduce((a, b) => a + b, 0) / shown.length;
    assert.ok(Math.abs(mean - measured) <= Math.max(150, 0.35 * measured), `kubectl top ${shown.join(', ')}m vs ${Math.round(measured)}m used`);
    // On a machine with a core to spare the spinner gets most of it.
    if (measured >= 700) assert.ok(mean >= 500, `burner ${shown.join(', ')}m`);
    for (const t of tops) assert.ok(parseMilli(t.get('idler')![0]) < 50n, `idler: ${t.get('idler')}`);
    // kubectl prints memory in whole Mi: a sleeping busybox is 0Mi (its bytes are checked below).
    assert.match(tops[0].get('idler')![1], /^\d+Mi$/);
    t.diagnostic(`spinner: kubectl top ${shown.join(', ')}m, its cgroup ${Math.round(measured)}m`);

    // --containers: POD NAME CPU MEMORY, for the pods the label selects.
    const out = await c.k(['top', 'pods', '-n', NS, '--containers', '-l', 'role=idler', '--no-headers']);
    assert.deepEqual(out.trim().split('\n').map(l => l.trim().split(/\s+/).slice(0, 2).join('/')).sort(), ['idler/nap', 'idler/second']);

    const sorted = await c.k(['top', 'pods', '-n', NS, '--sort-by=cpu', '--no-headers']);
    assert.deepEqual(sorted.trim().split('\n').map(l => l.split(/\s+/)[0]), ['burner', 'idler']);
    const all = await c.k(['top', 'pods', '-A', '--sort-by=memory']);
    assert.match(all, /^NAMESPACE\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
    assert.match(all, new RegExp(`^${NS}\\s+burner\\s`, 'm'));
  });

  test('kubectl top nodes: every node, usage against the node\'s allocatable', async () => {
    const out = await eventually(async () => {
      const r = await c.kubectl(['top', 'nodes']);
      return r.code === 0 && rows(r.stdout).has(node) && rows(r.stdout).has(agent) ? r.stdout : undefined;
    }, 30_000, 'kubectl top nodes');
    assert.match(out, /^NAME\s+CPU\(cores\)\s+CPU\(%\)\s+MEMORY\(bytes\)\s+MEMORY\(%\)/);
    const [cpu, cpuPercent, memory, memoryPercent] = rows(out).get(node)!;
    // The node is the whole machine, where the spinner alone keeps one core busy.
    assert.ok(parseMilli(cpu) >= 500n, `node cpu ${cpu}`);
    const allocatable = JSON.parse(await c.k(['get', 'node', node, '-o', 'jsonpath={.status.allocatable}']));
    const expectedPercent = Number(parseMilli(cpu) * 100n / parseMilli(allocatable.cpu));
    assert.ok(Math.abs(Number(cpuPercent.replace('%', '')) - expectedPercent) <= 1, `${cpuPercent} vs ${expectedPercent}`);
    assert.ok(scaledValue(parseQuantity(memory)) > 0n && Number(memoryPercent.replace('%', '')) > 0, `${memory} ${memoryPercent}`);
  });

  test('the metrics API answers as metrics-server: PodMetrics by label, NodeMetrics, Table, NotFound', async () => {
    const list = JSON.parse(await c.k(['get', '--raw', `/apis/metrics.k8s.io/v1beta1/namespaces/${NS}/pods?labelSelector=role%3Dburner`]));
    assert.equal(list.kind, 'PodMetricsList');
    assert.deepEqual(list.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['burner']);
    const [burner] = list.items;
    assert.deepEqual(Object.keys(burner).sort(), ['apiVersion', 'containers', 'kind', 'metadata', 'timestamp', 'window']);
    assert.deepEqual(burner.metadata.labels, { role: 'burner' });
    assert.match(burner.window, /^\d+(\.\d+)?s$/);
    assert.equal(burner.containers[0].name, 'spin');
    const byName = JSON.parse(await c.k(['get', '--raw', `/apis/metrics.k8s.io/v1beta1/namespaces/${NS}/pods?fieldSelector=metadata.name%3Didler`]));
    assert.deepEqual(byName.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['idler']);
    for (const container of byName.items[0].containers) assert.ok(scaledValue(parseQuantity(container.usage.memory)) > 0n, `memory of ${container.name}`);
    const nodeMetrics = JSON.parse(await c.k(['get', '--raw', `/apis/metrics.k8s.io/v1beta1/nodes/${node}`]));
    assert.equal(nodeMetrics.kind, 'NodeMetrics');
    assert.ok(nodeMetrics.usage.cpu && nodeMetrics.usage.memory);

    const table = await c.k(['get', 'podmetrics', '-n', NS]);
    assert.match(table, /^NAME\s+CPU\s+MEMORY\s+WINDOW/);
    assert.match(table, /^burner\s+\d+n\s/m);
    assert.match(await c.k(['get', 'nodemetrics']), new RegExp(`^${node}\\s`, 'm'));

    const missing = await c.kubectl(['get', '--raw', `/apis/metrics.k8s.io/v1beta1/namespaces/${NS}/pods/nope`]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /\(NotFound\): pod "nope" not found/);
    // A pod that never ran has no metrics.
    await c.k(['apply', '-n', NS, '-f', '-'], pod('pending', { nodeSelector: { nowhere: 'true' }, containers: [sleeperContainer('nap')] }));
    const pending = await c.kubectl(['get', '--raw', `/apis/metrics.k8s.io/v1beta1/namespaces/${NS}/pods/pending`]);
    assert.match(pending.stderr, /\(NotFound\): podmetrics.metrics.k8s.io "pending" not found/);
    const watch = await c.kubectl(['get', '--raw', `/apis/metrics.k8s.io/v1beta1/pods?watch=true`]);
    assert.match(watch.stderr, /\(MethodNotAllowed\)/);
  });

  test('RBAC: whoever may view a namespace may read its pods\' metrics (system:aggregated-metrics-reader is part of view)', async () => {
    await c.k(['create', 'serviceaccount', '-n', NS, 'viewer']);
    await c.k(['create', 'rolebinding', '-n', NS, 'viewer-view', '--clusterrole=view', `--serviceaccount=${NS}:viewer`]);
    const as = `--as=system:serviceaccount:${NS}:viewer`;
    await eventually(async () => (await c.kubectl(['top', 'pods', '-n', NS, as])).code === 0, 20_000, 'view to include metrics.k8s.io');
    const elsewhere = await c.kubectl(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/kube-system/pods', as]);
    assert.match(elsewhere.stderr, /\(Forbidden\).*cannot list resource "pods" in API group "metrics.k8s.io" in the namespace "kube-system"/);
  });

  test('/metrics/cadvisor through the node proxy: cAdvisor\'s series, the spinner\'s CPU counting up', async () => {
    const scrape = async () => parseExposition(await c.k(['get', '--raw', `/api/v1/nodes/${node}/proxy/metrics/cadvisor`]));
    const first = await scrape();
    for (const name of ['container_cpu_usage_seconds_total', 'container_memory_working_set_bytes', 'container_memory_usage_bytes', 'container_memory_rss', 'container_spec_memory_limit_bytes', 'container_start_time_seconds']) {
      const s = series(first, name, { namespace: NS, pod: 'burner', container: 'spin' });
      assert.equal(s.length, 1, `${name} of the spinner`);
      assert.ok(s[0].labels.id && s[0].labels.image && s[0].labels.name, `${name} labels: ${JSON.stringify(s[0].labels)}`);
    }
    const cpu = (f: typeof first) => series(f, 'container_cpu_usage_seconds_total', { namespace: NS, pod: 'burner', container: 'spin' })[0].value;
    assert.equal(series(first, 'container_cpu_usage_seconds_total', { namespace: NS, pod: 'burner' })[0].labels.cpu, 'total');
    // The counter is the cgroup's: between what the cgroup said just before and just after.
    await sleep(2000);
    const lower = burnerCpuSeconds().seconds;
    const second = await scrape();
    const upper = burnerCpuSeconds().seconds;
    assert.ok(cpu(second) > cpu(first), `spinner CPU ${cpu(first)} → ${cpu(second)}`);
    assert.ok(lower <= cpu(second) && cpu(second) <= upper, `${lower} <= ${cpu(second)} <= ${upper}`);
    const [burnerId] = series(second, 'container_start_time_seconds', { namespace: NS, pod: 'burner', container: 'spin' });
    assert.equal(burnerId.labels.id, burnerCgroup);
    // The pod's own cgroup: no container, image nor runtime ID; its CPU time holds the spinner's.
    const [podCpu] = series(second, 'container_cpu_usage_seconds_total', { namespace: NS, pod: 'burner', id: burnerPodCgroup });
    assert.deepEqual([podCpu?.labels.container, podCpu?.labels.image, podCpu?.labels.name], ['', '', '']);
    assert.ok(podCpu.value >= cpu(second), `pod CPU ${podCpu.value} >= spinner's ${cpu(second)}`);
    assert.equal(series(second, 'container_start_time_seconds', { namespace: NS, pod: 'burner', id: burnerPodCgroup }).length, 1);
    // The pods' cgroup and its QoS classes' cgroups, without pod or container labels; Burstable's CPU holds the burner's.
    const root = c.cgroupRoot(c.nodes[0]);
    for (const id of [root, `${root}/burstable`, `${root}/besteffort`]) {
      assert.deepEqual(series(second, 'container_memory_working_set_bytes', { id }).map(s => [s.labels.namespace, s.labels.pod, s.labels.container]), [['', '', '']], id);
    }
    assert.ok(series(second, 'container_cpu_usage_seconds_total', { id: `${root}/burstable` })[0].value >= podCpu.value);
  });
});
