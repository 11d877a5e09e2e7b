// API server benchmark against any Kubernetes API server (kubeconfig): create throughput and
// latency with 16 concurrent clients, GET latency, LIST of 10,000 objects, and watch delivery
// latency to 100 watchers. Prints one JSON object. Cleans up its namespace.
import type { KubeObject } from '../src/api/object.js';
import { loadKubeconfig } from '../src/client/kubeconfig.js';
import { RestClient } from '../src/client/rest-client.js';
import { concurrently } from './concurrently.js';
import { nowMs, summarize } from './stats.js';

export interface ApiBenchOptions {
  kubeconfig: string;
  objects: number;
  concurrency: number;
  watchers: number;
  watchUpdates: number;
}

export async function apiBench(o: ApiBenchOptions): Promise<Record<string, unknown>> {
  const client = new RestClient(loadKubeconfig(o.kubeconfig), 'k8ts-bench');
  const ns = `bench-${Date.now().toString(36)}`;
  const cms = `/api/v1/namespaces/${ns}/configmaps`;
  await client.create('/api/v1/namespaces', { metadata: { name: ns } });
  try {
    const payload = 'x'.repeat(1024 - 64);
    // Creates: `concurrency` clients in closed loops until `objects` are created.
    const createLatencies: number[] = [];
    const t0 = nowMs();
    await concurrently(o.objects, o.concurrency, async i => {
      const s = nowMs();
      await client.create(cms, { metadata: { name: `cm-${i}`, labels: { 'k8ts-bench': 'api' } }, data: { payload } });
      createLatencies.push(nowMs() - s);
    });
    const createSeconds = (nowMs() - t0) / 1000;

    const getLatencies: number[] = [];
    const gets = Math.min(2000, o.objects);
    await concurrently(gets, o.concurrency, async i => {
      const s = nowMs();
      await client.get(`${cms}/cm-${(i * 7919) % o.objects}`);
      getLatencies.push(nowMs() - s);
    });

    const listTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = nowMs();
      // Selected by label: a cluster may add its own objects to a new namespace (kube-root-ca.crt).
      const list = await client.list(cms, { labelSelector: 'k8ts-bench=api' });
      listTimes.push(nowMs() - s);
      if (list.items.length !== o.objects) throw new Error(`LIST returned ${list.items.length} of ${o.objects}`);
    }

    const watch = await watchLatency(client, ns, o.watchers, o.watchUpdates);
    return {
      target: client.config.server,
      objects: o.objects,
      concurrency: o.concurrency,
      creates_per_second: Math.round(o.objects / createSeconds),
      create_latency_ms: summarize(createLatencies),
      get_latency_ms: summarize(getLatencies),
      list_10k_ms: summarize(listTimes),
      watch: watch,
      targets: { creates_per_second: 2000, mutating_p99_ms: 50, list_10k_ms: 300, watch_p99_ms: 50 },
    };
  } finally {
    await client.delete(cms).catch(() => undefined);
    await client.delete(`/api/v1/namespaces/${ns}`).catch(() => undefined);
    client.close();
  }
}

/** Each update's delay from the write being sent to its event reaching each watcher. */
async function watchLatency(client: RestClient, ns: string, watchers: number, updates: number): Promise<Record<string, unknown>> {
  const path = `/api/v1/namespaces/${ns}/configmaps`;
  const obj = await client.create<KubeObject>(path, { metadata: { name: 'watched' }, data: { seq: '0' } });
  const sentAt = new Map<string, number>();
  const samples: number[] = [];
  let resolveAll: () => void = () => {};
  const allDone = new Promise<void>(r => (resolveAll = r));
  const handles = Array.from({ length: watchers }, () => client.watch<KubeObject>(path, { resourceVersion: obj.metadata.resourceVersion, fieldSelector: 'metadata.name=watched' }, e => {
    if (e.type !== 'MODIFIED') return;
    const seq = (e.object as unknown as { data: { seq: string } }).data.seq;
    const start = sentAt.get(seq);
    if (start === undefined) return;
    samples.push(nowMs() - start);
    if (samples.length === watchers * updates) resolveAll();
  }));
  await new Promise(r => setTimeout(r, 500)); // let every watch connect
  const mutating: number[] = [];
  for (let i = 1; i <= updates; i++) {
    const seq = String(i);
    const s = nowMs();
    sentAt.set(seq, s);
    await client.patch(`${path}/watched`, { data: { seq } }, 'merge');
    mutating.push(nowMs() - s);
    await new Promise(r => setTimeout(r, 10));
  }
  const timeout = new Promise<void>(r => setTimeout(r, 30_000).unref());
  await Promise.race([allDone, timeout]);
  for (const h of handles) h.stop();
  return { watchers, updates, delivered: samples.length, expected: watchers * updates, delivery_latency_ms: summarize(samples), patch_latency_ms: summarize(mutating) };
}
