// Helpers for the cluster-controller e2e tests: simulated-node processes (each can be killed to
// stop its nodes' heartbeats), server flags the tests rely on, and small kubectl JSON readers.
import { spawn, type ChildProcess } from 'node:child_process';
import { K8TS_BIN, TestCluster, eventually, run } from './harness.js';

export interface SimNodes {
  proc: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `k8ts sim-nodes` for `count` nodes named with `prefix` (`extra`: more sim-nodes flags, e.g.
 * --labels, --taints, --cpu); waits until they are Ready.
 */
export async function startSimNodes(c: TestCluster, count: number, prefix: string, extra: string[] = []): Promise<SimNodes> {
  const proc = spawn(process.execPath, [K8TS_BIN, 'sim-nodes', '--kubeconfig', c.kubeconfig, '--count', String(count), '--name-prefix', prefix, ...extra], { stdio: 'ignore' });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise(r => proc.once('exit', r));
    process.kill(proc.pid!, signal);
    await exited;
  };
  await eventually(async () => {
    const nodes = await getJson<{ items: NodeLike[] }>(c, ['get', 'nodes']);
    return nodes.items.filter(n => n.metadata.name.startsWith(prefix) && isReady(n)).length === count;
  }, 60_000, `${count} ready nodes named ${prefix}*`);
  return { proc, stop };
}

export interface NodeLike {
  metadata: { name: string };
  spec?: { unschedulable?: boolean; taints?: { key: string; effect: string }[]; podCIDR?: string; podCIDRs?: string[] };
  status?: { conditions?: { type: string; status: string; reason?: string }[] };
}

export const isReady = (o: { status?: { conditions?: { type: string; status: string }[] } }) =>
  o.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True') ?? false;

export async function getJson<T>(c: TestCluster, args: string[]): Promise<T> {
  return JSON.parse(await c.k([...args, '-o', 'json'])) as T;
}

/** Server flags for quicker node failure detection, if this server build has them. */
export async function fastNodeMonitorArgs(seconds: number): Promise<string[]> {
  const help = await run(process.execPath, [K8TS_BIN, 'server', '--help']);
  return /node-monitor-grace-period/.test(help.stdout + help.stderr) ? ['--node-monitor-grace-period', String(seconds)] : [];
}
