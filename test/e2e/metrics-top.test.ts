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
/** --metric-resolution: how often the metrics API reads the kubelets. */
const RESOLUTION_MS = 2000;

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
  /** The spinner's CPU time every 200 ms from the start: what it used in any window, however the load on the machine varied. */
  const history: { seconds: number; atMs: number }[] = [];
  let sampler: NodeJS.Timeout | undefined;
  /**
   * The lowest and highest rate (millicores) the spinner's cgroup had over the windows that a
   * reading of the metrics API can cover when it ends between fromMs and toMs: a window is the time
   * between two scrapes, a resolution or a few seconds more when a scrape cycle is slow.
   */
  const cgroupRates = (fromMs: number, toMs: number) => {
    let min = Infinity;
    let max = -Infinity;
    for (const end of history.filter(h => h.atMs >= fromMs && h.atMs <= toMs)) {
      for (const start of history) {
        const span = end.atMs - start.atMs;
        if (span < RESOLUTION_MS * 0.9 || span > RESOLUTION_MS + 4000) continue;
        const rate = (end.seconds - start.seconds) / (span / 1000) * 1000;
        min = Math.min(min, rate);
        max = Math.max(max, rate);
      }
    }
    return { min, max };
  };

  before(async () => {
    c = await NetnsCluster.start({ agents: 1, serverArgs: ['--metric-resolution', `${RESOLUTION_MS / 1000}s`] });
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
    sampler = setInterval(() => history.push(burnerCpuSeconds()), 200);
  });

  after(async () => {
    clearInterval(sampler);
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

  /**
   * `kubectl top pods ARGS` once it shows every pod of `names`, and when the answering try began: a
   * node whose scrape runs past its deadline (0.9 of the 2 s resolution, which a loaded machine can
   * pass) is left out of that cycle with its pods, as metrics-server leaves it out.
   */
  const topWith = (args: string[], names: string[], timeoutMs = 30_000) => eventually(async () => {
    const asked = Date.now();
    const r = await c.kubectl(['top', 'pods', ...args]);
    return r.code === 0 && names.every(n => new RegExp(`^(${NS}\\s+)?${n}\\s`, 'm').test(r.stdout)) && { out: r.stdout, asked };
  }, timeoutMs, `kubectl top pods ${args.join(' ')} with ${names.join(', ')}`);

  test('kubectl top pods: the spinner at the CPU it gets (near a core on an idle machine), the sleeper near nothing', async t => {
    await topWith(['-n', NS], ['burner', 'idler'], 60_000);
    // Each answer is the rate the spinner's cgroup had over a window of a resolution or so ending a
    // little before it: compared with the rates the cgroup had over such windows (not with an
    // average over the whole time, which a machine whose load changes meanwhile lets drift apart).
    const before = burnerCpuSeconds();
    const tops: Map<string, string[]>[] = [];
    const shown: number[] = [];
    const ranges: string[] = [];
    for (let i = 0; i < 3; i++) {
      await sleep(2000);
      const { out, asked } = await topWith(['-n', NS], ['burner', 'idler']);
      const top = rows(out);
      tops.push(top);
      shown.push(Number(parseMilli(top.get('burner')![0])));
      const { min, max } = cgroupRates(asked - RESOLUTION_MS - 4000, Date.now());
      ranges.push(`${Math.round(min)}-${Math.round(max)}m`);
      assert.ok(shown[i] >= min - 100 && shown[i] <= max + 100, `kubectl top ${shown[i]}m; the cgroup's rate over the windows it can cover: ${Math.round(min)}m to ${Math.round(max)}m`);
    }
    const measured = (burnerCpuSeconds().seconds - before.seconds) / ((Date.now() - before.atMs) / 1000) * 1000;
    clearInterval(sampler);
    for (const t of tops) assert.ok(parseMilli(t.get('idler')![0]) < 50n, `idler: ${t.get('idler')}`);
    // kubectl prints memory in whole Mi: a sleeping busybox is 0Mi (its bytes are checked below).
    assert.match(tops[0].get('idler')![1], /^\d+Mi$/);
    t.diagnostic(`spinner: kubectl top ${shown.join(', ')}m; its cgroup over the windows each can cover ${ranges.join(', ')}, over the whole time ${Math.round(measured)}m`);

    // --containers: POD NAME CPU MEMORY, for the pods the label selects.
    const { out } = await topWith(['-n', NS, '--containers', '-l', 'role=idler', '--no-headers'], ['idler']);
    assert.deepEqual(out.trim().split('\n').map(l => l.trim().split(/\s+/).slice(0, 2).join('/')).sort(), ['idler/nap', 'idler/second']);

    const { out: sorted } = await topWith(['-n', NS, '--sort-by=cpu', '--no-headers'], ['burner', 'idler']);
    assert.deepEqual(sorted.trim().split('\n').map(l => l.split(/\s+/)[0]), ['burner', 'idler']);
    const { out: all } = await topWith(['-A', '--sort-by=memory'], ['burner']);
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
    // Each read waits for a cycle that scraped the node it needs (see topWith).
    const podMetrics = (query: string) => eventually(async () => {
      const l = JSON.parse(await c.k(['get', '--raw', `/apis/metrics.k8s.io/v1beta1/namespaces/${NS}/pods?${query}`]));
      return l.items.length > 0 && l;
    }, 30_000, `PodMetrics ?${query}`);
    const list = await podMetrics('labelSelector=role%3Dburner');
    assert.equal(list.kind, 'PodMetricsList');
    assert.deepEqual(list.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['burner']);
    const [burner] = list.items;
    assert.deepEqual(Object.keys(burner).sort(), ['apiVersion', 'containers', 'kind', 'metadata', 'timestamp', 'window']);
    assert.deepEqual(burner.metadata.labels, { role: 'burner' });
    assert.match(burner.window, /^\d+(\.\d+)?s$/);
    assert.equal(burner.containers[0].name, 'spin');
    const byName = await podMetrics('fieldSelector=metadata.name%3Didler');
    assert.deepEqual(byName.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['idler']);
    for (const container of byName.items[0].containers) assert.ok(scaledValue(parseQuantity(container.usage.memory)) > 0n, `memory of ${container.name}`);
    const nodeMetrics = await eventually(async () => JSON.parse(await c.k(['get', '--raw', `/apis/metrics.k8s.io/v1beta1/nodes/${node}`])), 30_000, `NodeMetrics of ${node}`);
    assert.equal(nodeMetrics.kind, 'NodeMetrics');
    assert.ok(nodeMetrics.usage.cpu && nodeMetrics.usage.memory);

    const table = await eventually(async () => { const t = await c.k(['get', 'podmetrics', '-n', NS]); return /^burner\s/m.test(t) && t; }, 30_000, 'the burner in the PodMetrics table');
    assert.match(table, /^NAME\s+CPU\s+MEMORY\s+WINDOW/);
    assert.match(table, /^burner\s+\d+n\s/m);
    await eventually(async () => new RegExp(`^${node}\\s`, 'm').test(await c.k(['get', 'nodemetrics'])), 30_000, `${node} in the NodeMetrics table`);

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
    // A scrape reads the cgroups one after another while the spinner spins, so the pod's is compared
    // with the spinner's as read before the scrape began.
    assert.ok(podCpu.value >= lower, `pod CPU ${podCpu.value} >= spinner's ${lower} before the scrape`);
    assert.equal(series(second, 'container_start_time_seconds', { namespace: NS, pod: 'burner', id: burnerPodCgroup }).length, 1);
    // The pods' cgroup and its QoS classes' cgroups, without pod or container labels; Burstable's CPU holds the burner's.
    const root = c.cgroupRoot(c.nodes[0]);
    for (const id of [root, `${root}/burstable`, `${root}/besteffort`]) {
      assert.deepEqual(series(second, 'container_memory_working_set_bytes', { id }).map(s => [s.labels.namespace, s.labels.pod, s.labels.container]), [['', '', '']], id);
    }
    assert.ok(series(second, 'container_cpu_usage_seconds_total', { id: `${root}/burstable` })[0].value >= podCpu.value);
  });
});
