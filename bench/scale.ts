// Scale: pods through Deployments on simulated nodes (default 150,000 pods on 5,000 nodes, 30
// pods per node): time from applying the Deployments to every pod Running, and the API server's
// RSS (read from /proc when the server runs on this machine and its pid is given).
import type { KubeObject } from '../src/api/object.js';
import { Informer, stripManagedFields } from '../src/client/informer.js';
import { loadKubeconfig } from '../src/client/kubeconfig.js';
import { RestClient } from '../src/client/rest-client.js';
import { deleteNodes } from './scheduler.js';
import { spawnSimNodes, stopProcess } from './sim-process.js';
import { nowMs, rssBytes } from './stats.js';

export interface ScaleBenchOptions {
  kubeconfig: string;
  nodes: number;
  pods: number;
  deployments: number;
  /** PID of the API server, for its RSS. */
  serverPid?: number;
}

interface PodLike extends KubeObject { status?: { phase?: string } }

export async function scaleBench(o: ScaleBenchOptions): Promise<Record<string, unknown>> {
  const client = new RestClient(loadKubeconfig(o.kubeconfig), 'k8ts-bench');
  const ns = `bench-scale-${Date.now().toString(36)}`;
  const prefix = `sc${Date.now().toString(36)}-`;
  await client.create('/api/v1/namespaces', { metadata: { name: ns } });
  const sim = spawnSimNodes(['--kubeconfig', o.kubeconfig, '--count', String(o.nodes), '--name-prefix', prefix, '--cpu', '64', '--memory', '256Gi', '--pods', '110']);
  const pods = new Informer<PodLike>(client, `/api/v1/namespaces/${ns}/pods`, { transform: stripManagedFields });
  let peakRss = 0;
  const sampler = setInterval(() => { peakRss = Math.max(peakRss, rssBytes(o.serverPid) ?? 0); }, 1000);
  try {
    const nodes = new Informer(client, '/api/v1/nodes');
    nodes.start();
    while (nodes.list().filter(n => n.metadata.name!.startsWith(prefix)).length < o.nodes) await new Promise(r => setTimeout(r, 200));
    nodes.stop();
    pods.start();
    await pods.waitForSync();
    const per = Math.ceil(o.pods / o.deployments);
    const t0 = nowMs();
    for (let d = 0; d < o.deployments; d++) {
      const replicas = Math.min(per, o.pods - d * per);
      await client.create(`/apis/apps/v1/namespaces/${ns}/deployments`, {
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `d${d}` },
        spec: {
          replicas, selector: { matchLabels: { app: `d${d}` } },
          template: { metadata: { labels: { app: `d${d}` } }, spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } },
        },
      });
    }
    let last = 0;
    const progress: { seconds: number; running: number }[] = [];
    for (;;) {
      const running = pods.list().filter(p => p.status?.phase === 'Running').length;
      const seconds = Math.round((nowMs() - t0) / 1000);
      if (seconds >= last + 30) { progress.push({ seconds, running }); last = seconds; }
      if (running >= o.pods) break;
      await new Promise(r => setTimeout(r, 1000));
    }
    const seconds = (nowMs() - t0) / 1000;
    return {
      nodes: o.nodes, pods: o.pods, deployments: o.deployments,
      secondsToAllRunning: Math.round(seconds), podsPerSecond: Math.round(o.pods / seconds),
      serverRssBytes: rssBytes(o.serverPid), serverPeakRssBytes: peakRss || undefined, progress,
    };
  } finally {
    clearInterval(sampler);
    pods.stop();
    await client.delete(`/api/v1/namespaces/${ns}`).catch(() => undefined);
    await stopProcess(sim);
    await deleteNodes(client, prefix, o.nodes, 32);
    client.close();
  }
}
