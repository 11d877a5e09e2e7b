// Pod startup on a real node: N pods (default 100) created at a steady rate, each measured from the
// moment its create request is sent until a watch shows it Running with every container started
// (upstream's pod startup latency, image already present: a warm-up pod pulls it first). Also
// reports the node agent's RSS (kubelet, in k8ts's agent process) when its PID is given.
import { StatusError } from '../src/api/errors.js';
import type { KubeObject } from '../src/api/object.js';
import { Informer } from '../src/client/informer.js';
import { loadKubeconfig } from '../src/client/kubeconfig.js';
import { RestClient } from '../src/client/rest-client.js';
import { collectionPath, objectPath, R } from '../src/client/resources.js';
import { BUSYBOX_IMAGE } from '../src/kubelet/images/builtin.js';
import { isReady, type NodeObject } from '../src/api/node-object.js';
import { cpuSeconds, nowMs, rssBytes, summarize } from './stats.js';

export interface PodStartupBenchOptions {
  kubeconfig: string;
  pods: number;
  /** Creates per second; 0 creates them all at once. */
  qps: number;
  /** The node to fill; default the only Ready node that is not simulated. */
  node?: string;
  image?: string;
  /** PID of the process running the node's kubelet (`k8ts agent`, or `k8ts server` with its embedded agent). */
  agentPid?: number;
  timeoutMs?: number;
}

export class PodStartupBenchError extends Error {}

interface PodLike extends KubeObject {
  spec?: { nodeName?: string };
  status?: { phase?: string; containerStatuses?: { state?: { running?: unknown } }[] };
}

const started = (p: PodLike) => p.status?.phase === 'Running' && (p.status.containerStatuses ?? []).length > 0 &&
  p.status.containerStatuses!.every(c => c.state?.running);

export async function podStartupBench(o: PodStartupBenchOptions): Promise<Record<string, unknown>> {
  const client = new RestClient(loadKubeconfig(o.kubeconfig), 'k8ts-bench');
  const image = o.image ?? BUSYBOX_IMAGE;
  const timeoutMs = o.timeoutMs ?? 5 * 60_000;
  const node = o.node ?? await onlyRealNode(client);
  const ns = `bench-pod-startup-${Date.now().toString(36)}`;
  const podsPath = collectionPath(R.pods, ns);
  const pod = (name: string) => ({
    apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { bench: 'pod-startup' } },
    spec: {
      nodeSelector: { 'kubernetes.io/hostname': node },
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'c', image, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }],
    },
  });
  await client.create(collectionPath(R.namespaces), { metadata: { name: ns } });
  const pods = new Informer<PodLike>(client, podsPath);
  const sentAt = new Map<string, number>();
  const scheduledAt = new Map<string, number>();
  const runningAt = new Map<string, number>();
  const seen = (p: PodLike) => {
    const name = p.metadata.name!;
    if (!scheduledAt.has(name) && p.spec?.nodeName) scheduledAt.set(name, nowMs());
    if (!runningAt.has(name) && started(p)) runningAt.set(name, nowMs());
  };
  pods.on({ add: seen, update: (_, p) => seen(p) });
  let peakRss = 0;
  const sampler = setInterval(() => { peakRss = Math.max(peakRss, rssBytes(o.agentPid) ?? 0); }, 200);
  try {
    pods.start();
    await pods.waitForSync();
    // Warm-up: pulls the image if the node lacks it, so the measured pods find it present.
    await client.create(podsPath, pod('warmup'));
    await until(() => runningAt.has('warmup'), timeoutMs, 'the warm-up pod to run');
    await client.delete(objectPath(R.pods, ns, 'warmup'));
    await until(() => !pods.get(`${ns}/warmup`), timeoutMs, 'the warm-up pod to go');
    const rssIdle = rssBytes(o.agentPid);

    const names = Array.from({ length: o.pods }, (_, i) => `p-${String(i).padStart(4, '0')}`);
    const cpu0 = cpuSeconds(o.agentPid);
    const t0 = nowMs();
    const creates: Promise<unknown>[] = [];
    for (const [i, name] of names.entries()) {
      if (o.qps > 0) {
        const due = t0 + (i * 1000) / o.qps;
        if (due > nowMs()) await new Promise(r => setTimeout(r, due - nowMs()));
      }
      sentAt.set(name, nowMs());
      creates.push(client.create(podsPath, pod(name)));
    }
    await Promise.all(creates);
    await until(() => names.every(n => runningAt.has(n)), timeoutMs, `${o.pods} pods to run (${names.filter(n => runningAt.has(n)).length} running)`);
    const allRunningSeconds = (nowMs() - t0) / 1000;
    const rssAllRunning = rssBytes(o.agentPid);
    const cpuStarting = o.agentPid ? round(cpuSeconds(o.agentPid)! - cpu0!) : undefined;
    const wrongNode = names.filter(n => pods.get(`${ns}/${n}`)?.spec?.nodeName !== node);
    if (wrongNode.length) throw new PodStartupBenchError(`pods not on ${node}: ${wrongNode.join(', ')}`);

    // Tear down through the API and wait until the kubelet has removed every pod.
    const d0 = nowMs();
    await client.delete(objectPath(R.namespaces, undefined, ns));
    await until(() => pods.list().length === 0, timeoutMs, 'the pods to be deleted');
    const deleteSeconds = (nowMs() - d0) / 1000;

    return {
      node,
      image,
      pods: o.pods,
      qps: o.qps,
      createToRunningMs: summarize(names.map(n => runningAt.get(n)! - sentAt.get(n)!)),
      // The two parts, as seen by the same watch: the scheduler's, then the kubelet's and runtime's.
      createToScheduledMs: summarize(names.map(n => scheduledAt.get(n)! - sentAt.get(n)!)),
      scheduledToRunningMs: summarize(names.map(n => runningAt.get(n)! - scheduledAt.get(n)!)),
      allRunningSeconds: round(allRunningSeconds),
      deleteAllSeconds: round(deleteSeconds),
      agentRssBytes: o.agentPid ? { idle: rssIdle, allRunning: rssAllRunning, peak: peakRss } : undefined,
      /** CPU the kubelet's process used from the first create until all pods ran. */
      agentCpuSeconds: cpuStarting,
    };
  } finally {
    clearInterval(sampler);
    pods.stop();
    await client.delete(objectPath(R.namespaces, undefined, ns)).catch(err => {
      if (!(err instanceof StatusError && (err.code === 404 || err.code === 409))) throw err;
    });
    client.close();
  }
}

/** The one Ready node that is not simulated, waiting up to a minute for a just-started agent. */
export async function onlyRealNode(client: RestClient): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const nodes = (await client.list<NodeObject>(collectionPath(R.nodes))).items
      .filter(n => isReady(n) && !n.metadata.annotations?.['k8ts.io/simulated']);
    if (nodes.length === 1) return nodes[0].metadata.name!;
    if (nodes.length > 1 || Date.now() > deadline) {
      throw new PodStartupBenchError(`expected exactly one Ready real node, found ${nodes.length} (${nodes.map(n => n.metadata.name).join(', ')}); pass --node NAME`);
    }
    await new Promise(r => setTimeout(r, 500));
  }
}

export async function until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new PodStartupBenchError(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 20));
  }
}

const round = (x: number) => Math.round(x * 100) / 100;
