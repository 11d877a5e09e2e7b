// Scheduler throughput, as upstream's scheduler_perf SchedulingBasic/5000Nodes_10000Pods
// (test/integration/scheduler_perf/misc/performance-config.yaml, CI threshold 680 pods/s):
//   createNodes 5000  — plain Node objects (4 cpu, 32Gi, 110 pods, Ready), one POST each;
//   createPods 1000   — initial pods, scheduled before measuring;
//   createPods 10000  — measured (collectMetrics): created at full speed while the scheduler runs.
// Upstream's harness runs only kube-apiserver and the scheduler under test: no kubelets (nothing
// marks pods Running, no Lease renewals), no controller manager. So does this bench by default:
// the scheduler runs in this process (as in upstream's test binary; the pods are created from a
// worker thread, as upstream's creating goroutines run beside the scheduler) and the server must run
// without its own loops (`k8ts server --disable-controllers`; a node lifecycle controller would
// taint heartbeat-less nodes, a second scheduler would race for the pods). Throughput is upstream's
// SchedulingThroughput: measured pods / seconds from the first measured create to the last of
// them bound, plus percentiles of 1-second samples.
// `--cluster` measures a whole cluster instead (not comparable with upstream's figure): the
// server's own scheduler and controllers, and `k8ts sim-nodes` kubelets renewing Leases and
// marking every bound pod Running.
import type { KubeObject } from '../src/api/object.js';
import { StatusError } from '../src/api/errors.js';
import { Informer } from '../src/client/informer.js';
import { loadKubeconfig } from '../src/client/kubeconfig.js';
import { RestClient } from '../src/client/rest-client.js';
import { collectionPath, objectPath, R } from '../src/client/resources.js';
import { Scheduler } from '../src/scheduler/scheduler.js';
import { HEALTHY, nodeConditions } from '../src/api/node-object.js';
import { newNode, nodeStatus } from '../src/simnodes/node-object.js';
import { DEFAULTS } from '../src/simnodes/options.js';
import { concurrently } from './concurrently.js';
import { PodCreator } from './pod-creator.js';
import { spawnSimNodes, stopProcess } from './sim-process.js';
import { cpuSeconds, nowMs, percentile } from './stats.js';

export interface SchedulerBenchOptions {
  kubeconfig: string;
  nodes: number;
  initialPods: number;
  pods: number;
  /** Measure the whole cluster (its scheduler, controllers, simulated kubelets). */
  cluster: boolean;
  concurrency: number;
  /** PID of the API server (on this machine), for the CPU time it spends on the measured pods. */
  serverPid?: number;
}

interface PodLike extends KubeObject { spec?: { nodeName?: string } }
interface LeaseLike extends KubeObject { spec?: { holderIdentity?: string; renewTime?: string; leaseDurationSeconds?: number } }

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 20));
  }
}

/** Fails when a scheduler or controller manager holds its kube-system Lease: they would skew the figure. */
async function requireBareApiServer(client: RestClient): Promise<void> {
  for (const name of ['kube-scheduler', 'kube-controller-manager']) {
    let lease: LeaseLike;
    try {
      lease = await client.get<LeaseLike>(objectPath(R.leases, 'kube-system', name));
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) continue;
      throw err;
    }
    const renewed = Date.parse(lease.spec?.renewTime ?? '');
    if (lease.spec?.holderIdentity && renewed + (lease.spec.leaseDurationSeconds ?? 15) * 1000 > Date.now()) {
      throw new Error(`${name} is running (Lease kube-system/${name} held by ${lease.spec.holderIdentity}): start the server with --disable-controllers, as upstream's scheduler_perf runs only kube-apiserver and the scheduler under test, or pass --cluster to measure the whole cluster`);
    }
  }
}

/** Upstream's config/templates/node-default.yaml shape, through the simulated nodes' Node builder. */
function registerNodes(client: RestClient, prefix: string, count: number, concurrency: number): Promise<void> {
  const o = { ...DEFAULTS, count, namePrefix: prefix, cpu: '4', memory: '32Gi', pods: '110' };
  const conditions = nodeConditions(HEALTHY);
  return concurrently(count, concurrency, i => {
    const node = newNode(o, i);
    return client.create(collectionPath(R.nodes), { ...node, status: nodeStatus(o, node.metadata.name!, i, conditions) });
  });
}

export async function schedulerBench(o: SchedulerBenchOptions): Promise<Record<string, unknown>> {
  const client = new RestClient(loadKubeconfig(o.kubeconfig), 'k8ts-bench');
  if (!o.cluster) await requireBareApiServer(client);
  const stamp = Date.now().toString(36);
  const ns = `bench-sched-${stamp}`;
  const prefix = `bs${stamp}-`;
  await client.create('/api/v1/namespaces', { metadata: { name: ns } });
  // A bare API server has no controller to create the `default` ServiceAccount new pods run as.
  if (!o.cluster) await client.create(`/api/v1/namespaces/${ns}/serviceaccounts`, { metadata: { name: 'default' } });
  const sim = o.cluster
    ? spawnSimNodes(['--kubeconfig', o.kubeconfig, '--count', String(o.nodes), '--name-prefix', prefix, '--cpu', '4', '--memory', '32Gi', '--pods', '110'])
    : undefined;
  const scheduler = o.cluster ? undefined : new Scheduler(client, {});
  // Bound pods are counted as upstream's throughputCollector does, from the scheduler's own view
  // (its successful bindings); a cluster's scheduler is watched from outside instead.
  const pods = new Informer<PodLike>(client, `/api/v1/namespaces/${ns}/pods`);
  let watchedBound = 0;
  pods.on({ add: p => { if (p.spec?.nodeName) watchedBound++; }, update: (a, b) => { if (!a.spec?.nodeName && b.spec?.nodeName) watchedBound++; } });
  const boundCount = () => scheduler ? scheduler.scheduled : watchedBound;
  let sampler: NodeJS.Timeout | undefined;
  const creator = new PodCreator({ kubeconfig: o.kubeconfig, namespace: ns, concurrency: o.concurrency });
  try {
    const t0 = nowMs();
    if (!sim) await registerNodes(client, prefix, o.nodes, o.concurrency);
    const nodes = new Informer(client, '/api/v1/nodes');
    nodes.start();
    await until(() => nodes.list().filter(n => n.metadata.name!.startsWith(prefix)).length >= o.nodes, 600_000, `${o.nodes} nodes`);
    nodes.stop();
    const nodesSeconds = (nowMs() - t0) / 1000;
    if (scheduler) await scheduler.start();
    else {
      pods.start();
      await pods.waitForSync();
    }

    await creator.create('init-', o.initialPods);
    await until(() => boundCount() >= o.initialPods, 600_000, 'initial pods bound');

    // upstream's throughputCollector: the scheduled count sampled every second.
    const samples: number[] = [];
    let last = boundCount();
    sampler = setInterval(() => { const now = boundCount(); samples.push(now - last); last = now; }, 1000);
    const start = nowMs();
    const serverCpu0 = cpuSeconds(o.serverPid);
    const benchCpu0 = process.cpuUsage();
    await creator.create('measured-', o.pods);
    const createSeconds = (nowMs() - start) / 1000;
    await until(() => boundCount() >= o.initialPods + o.pods, 600_000, 'measured pods bound');
    const seconds = (nowMs() - start) / 1000;
    clearInterval(sampler);
    const serverCpu = o.serverPid ? cpuSeconds(o.serverPid)! - serverCpu0! : undefined;
    const benchCpu = process.cpuUsage(benchCpu0);
    const sorted = [...samples].sort((a, b) => a - b);
    return {
      mode: o.cluster ? 'cluster (server scheduler + controllers + simulated kubelets)' : 'upstream scheduler_perf (API server + scheduler only)',
      nodes: o.nodes, initialPods: o.initialPods, measuredPods: o.pods, createConcurrency: o.concurrency,
      nodeRegistrationSeconds: round(nodesSeconds), podCreationSeconds: round(createSeconds), schedulingSeconds: round(seconds),
      podsPerSecond: round(o.pods / seconds),
      samplesPodsPerSecond: { perc50: percentile(sorted, 50), perc90: percentile(sorted, 90), perc99: percentile(sorted, 99), count: sorted.length },
      upstreamThresholdPodsPerSecond: 680,
      // CPU spent on the measured pods: the API server's, and this process's (pod creation, the
      // in-process scheduler, the watch that counts bindings).
      serverCpuMsPerPod: serverCpu === undefined ? undefined : round(serverCpu * 1000 / o.pods),
      benchCpuMsPerPod: round((benchCpu.user + benchCpu.system) / 1000 / o.pods),
    };
  } finally {
    clearInterval(sampler);
    await creator.close();
    await scheduler?.stop();
    pods.stop();
    // Without a controller manager nothing empties a deleted namespace: remove the pods first.
    await client.delete(`/api/v1/namespaces/${ns}/pods`, undefined, { gracePeriodSeconds: 0 }).catch(() => undefined);
    await client.delete(`/api/v1/namespaces/${ns}`).catch(() => undefined);
    if (sim) await stopProcess(sim);
    await deleteNodes(client, prefix, o.nodes, o.concurrency);
    client.close();
  }
}

const round = (v: number) => Math.round(v * 100) / 100;

/** Removes the nodes this run registered (by name: never anyone else's). */
export async function deleteNodes(client: RestClient, prefix: string, count: number, concurrency: number): Promise<void> {
  await concurrently(count, concurrency, i => client.delete(`/api/v1/nodes/${prefix}${i}`).catch(() => undefined));
}
