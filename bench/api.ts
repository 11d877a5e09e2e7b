// API server benchmark against any Kubernetes API server (kubeconfig): create throughput (after untimed warm-up creates) and
// latency with 16 concurrent clients, GET latency, LIST of 10,000 objects, and watch delivery
// latency to 100 watchers. Prints one JSON object. Cleans up its namespace. With a user kubeconfig
// the measured requests run as that user (e.g. one without system:masters, to see what
// authorization costs): the admin kubeconfig only creates the namespace and binds the user to the
// `edit` ClusterRole in it.
import type { KubeObject } from '../src/api/object.js';
import { loadKubeconfig } from '../src/client/kubeconfig.js';
import { RestClient } from '../src/client/rest-client.js';
import { concurrently } from './concurrently.js';
import { cpuPerOperation, cpuSample, nowMs, summarize } from './stats.js';

export interface ApiBenchOptions {
  kubeconfig: string;
  /** Run the measured requests as this kubeconfig's user. */
  userKubeconfig?: string;
  objects: number;
  /** Creates before the timed ones (not counted): the server's JIT settles, as in a server that has run a while. */
  warmup: number;
  concurrency: number;
  watchers: number;
  watchUpdates: number;
  /** Local processes whose CPU time per create is reported (steadier than creates/s on a shared machine). */
  serverPid?: number;
  etcdPid?: number;
}

/** Size of each created ConfigMap's payload. */
export const API_PAYLOAD_BYTES = 1024 - 64;

export async function apiBench(o: ApiBenchOptions): Promise<Record<string, unknown>> {
  const admin = new RestClient(loadKubeconfig(o.kubeconfig), 'k8ts-bench');
  const client = o.userKubeconfig ? new RestClient(loadKubeconfig(o.userKubeconfig), 'k8ts-bench') : admin;
  const ns = `bench-${Date.now().toString(36)}`;
  const cms = `/api/v1/namespaces/${ns}/configmaps`;
  await admin.create('/api/v1/namespaces', { metadata: { name: ns } });
  try {
    const user = client === admin ? undefined : await grantEdit(admin, client, ns);
    const payload = 'x'.repeat(API_PAYLOAD_BYTES);
    await concurrently(o.warmup, o.concurrency, i => client.create(cms, { metadata: { name: `warmup-${i}`, labels: { 'k8ts-bench': 'warmup' } }, data: { payload } }));
    // Creates: `concurrency` clients in closed loops until `objects` are created.
    const createLatencies: number[] = [];
    const cpu0 = cpuSample(o);
    const t0 = nowMs();
    await concurrently(o.objects, o.concurrency, async i => {
      const s = nowMs();
      await client.create(cms, { metadata: { name: `cm-${i}`, labels: { 'k8ts-bench': 'api' } }, data: { payload } });
      createLatencies.push(nowMs() - s);
    });
    const createSeconds = (nowMs() - t0) / 1000;
    const createCpu = cpuPerOperation(cpu0, o, o.objects);

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

    const watch = await watchLatency(client, cms, { metadata: { name: 'watched' }, data: { seq: '0' } }, o.watchers, o.watchUpdates, {
      patch: seq => ({ data: { seq } }),
      seqOf: obj => (obj as unknown as { data: { seq: string } }).data.seq,
    });
    return {
      target: client.config.server,
      ...(user ? { user } : {}),
      objects: o.objects,
      warmup: o.warmup,
      concurrency: o.concurrency,
      creates_per_second: Math.round(o.objects / createSeconds),
      create_latency_ms: summarize(createLatencies),
      ...(createCpu ? { create_cpu_ms: createCpu } : {}),
      get_latency_ms: summarize(getLatencies),
      list_10k_ms: summarize(listTimes),
      watch: watch,
      targets: { creates_per_second: 2000, mutating_p99_ms: 50, list_10k_ms: 300, watch_p99_ms: 50 },
    };
  } finally {
    await admin.delete(cms).catch(() => undefined);
    await admin.delete(`/api/v1/namespaces/${ns}`).catch(() => undefined);
    admin.close();
    if (client !== admin) client.close();
  }
}

/** Binds the user's identity (asked with SelfSubjectReview) to `edit` in `ns`; waits until it takes effect. */
async function grantEdit(admin: RestClient, client: RestClient, ns: string): Promise<string> {
  const review = await client.create<{ status: { userInfo: { username: string } } }>('/apis/authentication.k8s.io/v1/selfsubjectreviews', {
    apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview',
  });
  const username = review.status.userInfo.username;
  const sa = username.match(/^system:serviceaccount:([^:]+):([^:]+)$/);
  const subject = sa ? { kind: 'ServiceAccount', namespace: sa[1], name: sa[2] } : { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: username };
  await admin.create(`/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, {
    metadata: { name: 'k8ts-bench-edit' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' }, subjects: [subject],
  });
  // Authorizers read bindings from caches: wait for this one to be seen.
  for (let i = 0; i < 100; i++) {
    const ssar = await client.create<{ status: { allowed: boolean } }>('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { namespace: ns, verb: 'create', resource: 'configmaps' } },
    });
    if (ssar.status.allowed) return username;
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`${username} still may not create configmaps in ${ns}`);
}

/** How a watched object carries the update's sequence number. */
export interface SequencedUpdates {
  /** The merge patch writing `seq`. */
  patch(seq: string): object;
  seqOf(obj: KubeObject): string;
}

/**
 * Each update's delay from the write being sent to its event reaching each watcher, for an object
 * `initial` (named `watched`) created in the collection at `path`.
 */
export async function watchLatency(client: RestClient, path: string, initial: object, watchers: number, updates: number, seq: SequencedUpdates): Promise<Record<string, unknown>> {
  const obj = await client.create<KubeObject>(path, initial);
  const sentAt = new Map<string, number>();
  const samples: number[] = [];
  let resolveAll: () => void = () => {};
  const allDone = new Promise<void>(r => (resolveAll = r));
  const handles = Array.from({ length: watchers }, () => client.watch<KubeObject>(path, { resourceVersion: obj.metadata.resourceVersion, fieldSelector: 'metadata.name=watched' }, e => {
    if (e.type !== 'MODIFIED') return;
    const start = sentAt.get(seq.seqOf(e.object));
    if (start === undefined) return;
    samples.push(nowMs() - start);
    if (samples.length === watchers * updates) resolveAll();
  }));
  await new Promise(r => setTimeout(r, 500)); // let every watch connect
  const mutating: number[] = [];
  for (let i = 1; i <= updates; i++) {
    const s = nowMs();
    sentAt.set(String(i), s);
    await client.patch(`${path}/watched`, seq.patch(String(i)), 'merge');
    mutating.push(nowMs() - s);
    await new Promise(r => setTimeout(r, 10));
  }
  const timeout = new Promise<void>(r => setTimeout(r, 30_000).unref());
  await Promise.race([allDone, timeout]);
  for (const h of handles) h.stop();
  return { watchers, updates, delivered: samples.length, expected: watchers * updates, delivery_latency_ms: summarize(samples), patch_latency_ms: summarize(mutating) };
}
