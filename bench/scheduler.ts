// Scheduler throughput, after upstream's SchedulingBasic 5000Nodes_10000Pods: 5,000 simulated
// nodes (4 cpu, 32Gi, 110 pods), 1,000 initial pods scheduled first, then 10,000 measured pods.
// In-process mode (default) creates the measured pods while no scheduler runs, then starts a fresh
// scheduler and times from its cache sync to the last binding: the scheduler's own throughput.
// `--scheduler external` (a scheduler already runs, e.g. inside `k8ts server`) times creation and
// scheduling together, from the first create to the last pod bound.
import type { KubeObject } from '../src/api/object.js';
import { Informer } from '../src/client/informer.js';
import { loadKubeconfig } from '../src/client/kubeconfig.js';
import { RestClient } from '../src/client/rest-client.js';
import { Scheduler } from '../src/scheduler/scheduler.js';
import { spawnSimNodes, stopProcess } from './sim-process.js';
import { nowMs } from './stats.js';

export interface SchedulerBenchOptions {
  kubeconfig: string;
  nodes: number;
  initialPods: number;
  pods: number;
  external: boolean;
  concurrency: number;
}

interface PodLike extends KubeObject { spec?: { nodeName?: string } }

const podBody = (name: string) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { bench: 'scheduler' } },
  spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '100m', memory: '500Mi' } } }] },
});

async function createPods(client: RestClient, ns: string, prefix: string, count: number, concurrency: number): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < count; i = next++) await client.create(`/api/v1/namespaces/${ns}/pods`, podBody(`${prefix}-${i}`));
  }));
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 50));
  }
}

export async function schedulerBench(o: SchedulerBenchOptions): Promise<Record<string, unknown>> {
  const client = new RestClient(loadKubeconfig(o.kubeconfig), 'k8ts-bench');
  const ns = `bench-sched-${Date.now().toString(36)}`;
  const prefix = `bs${Date.now().toString(36)}-`;
  await client.create('/api/v1/namespaces', { metadata: { name: ns } });
  const sim = spawnSimNodes(['--kubeconfig', o.kubeconfig, '--count', String(o.nodes), '--name-prefix', prefix, '--cpu', '4', '--memory', '32Gi', '--pods', '110']);
  const pods = new Informer<PodLike>(client, `/api/v1/namespaces/${ns}/pods`);
  let bound = 0;
  pods.on({ add: p => { if (p.spec?.nodeName) bound++; }, update: (a, b) => { if (!a.spec?.nodeName && b.spec?.nodeName) bound++; } });
  let scheduler: Scheduler | undefined;
  try {
    const t0 = nowMs();
    const nodes = new Informer(client, '/api/v1/nodes');
    nodes.start();
    await until(() => nodes.list().filter(n => n.metadata.name!.startsWith(prefix)).length >= o.nodes, 600_000, `${o.nodes} nodes`);
    nodes.stop();
    const nodesSeconds = (nowMs() - t0) / 1000;
    pods.start();
    await pods.waitForSync();

    if (!o.external) {
      scheduler = new Scheduler(client, {});
      await scheduler.start();
    }
    await createPods(client, ns, 'init', o.initialPods, o.concurrency);
    await until(() => bound >= o.initialPods, 600_000, 'initial pods bound');

    let seconds: number;
    let createSeconds: number;
    if (o.external) {
      const start = nowMs();
      await createPods(client, ns, 'measured', o.pods, o.concurrency);
      createSeconds = (nowMs() - start) / 1000;
      await until(() => bound >= o.initialPods + o.pods, 600_000, 'measured pods bound');
      seconds = (nowMs() - start) / 1000;
    } else {
      await scheduler!.stop();
      const c0 = nowMs();
      await createPods(client, ns, 'measured', o.pods, o.concurrency);
      createSeconds = (nowMs() - c0) / 1000;
      scheduler = new Scheduler(client, {});
      await scheduler.start();
      const start = nowMs();
      await until(() => scheduler!.scheduled >= o.pods, 600_000, 'measured pods bound');
      seconds = (nowMs() - start) / 1000;
    }
    return {
      nodes: o.nodes, initialPods: o.initialPods, measuredPods: o.pods, scheduler: o.external ? 'external' : 'in-process',
      nodeRegistrationSeconds: round(nodesSeconds), podCreationSeconds: round(createSeconds),
      schedulingSeconds: round(seconds), podsPerSecond: round(o.pods / seconds),
      upstreamThresholdPodsPerSecond: 680,
    };
  } finally {
    await scheduler?.stop();
    pods.stop();
    await client.delete(`/api/v1/namespaces/${ns}`).catch(() => undefined);
    await stopProcess(sim);
    await deleteNodes(client, prefix, o.nodes, o.concurrency);
    client.close();
  }
}

const round = (v: number) => Math.round(v * 100) / 100;

/** Removes the simulated nodes this run registered (by name: never anyone else's). */
export async function deleteNodes(client: RestClient, prefix: string, count: number, concurrency: number): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < count; i = next++) await client.delete(`/api/v1/nodes/${prefix}${i}`).catch(() => undefined);
  }));
}
