// kube-proxy sync cost at scale: N Services (default 1,000) × M endpoints (default 10), measured
// on a real kube-proxy (--proxy-mode iptables or nftables) that programs the kernel inside a network namespace this benchmark creates
// (and removes; the proxy itself reaches the API server from this namespace): the time a full sync takes (every chain rewritten, forced several times), and the
// time one endpoint change takes from its API write to the end of the iptables-restore (or nft)
// that applies it (changes spaced beyond the proxy's minimum sync interval, as isolated changes are).
// The CPU time of the iptables/nft processes per sync is reported too: wall times on a busy machine
// mostly measure the wait for a core.
// Services have no selector and their EndpointSlices are written here, so controllers, if the
// server runs them, leave them alone. Targets (issue 10): full ≤ 1 s, one change ≤ 100 ms.
import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadKubeconfig } from '../src/client/kubeconfig.js';
import { RestClient } from '../src/client/rest-client.js';
import { collectionPath, objectPath, R } from '../src/client/resources.js';
import type { ProxyMode } from '../src/proxy/backend.js';
import { NETNS_DIR } from '../src/util/daemon.js';
import { concurrently } from './concurrently.js';
import { summarize } from './stats.js';

export interface ProxySyncBenchOptions {
  kubeconfig: string;
  services: number;
  endpoints: number;
  fullSyncs: number;
  changes: number;
  mode: ProxyMode;
}

export class ProxySyncBenchError extends Error {}

interface SyncLine { full: boolean; chainsWritten: number; chainsDeleted: number; durationMs: number; at: number; startedAt: number; toolCpuMs: number }

const WORKER = fileURLToPath(new URL('./proxy-sync-worker.js', import.meta.url));
const MIN_SYNC_INTERVAL_MS = 1000;
const wallMs = () => performance.timeOrigin + performance.now();

const slice = (ns: string, name: string, ips: string[]) => ({
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
  metadata: { namespace: ns, name: `${name}-bench`, labels: { 'kubernetes.io/service-name': name } },
  addressType: 'IPv4', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  endpoints: ips.map(ip => ({ addresses: [ip], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'elsewhere' })),
});

/** Endpoint j of service i: 10.(64 + i/256).(i%256).(j+1), unique for up to 16k services. */
const endpointIP = (i: number, j: number) => `10.${64 + (i >> 8)}.${i & 255}.${j + 1}`;

export async function proxySyncBench(o: ProxySyncBenchOptions): Promise<Record<string, unknown>> {
  const client = new RestClient(loadKubeconfig(o.kubeconfig), 'k8ts-bench');
  const tag = `${process.pid}`;
  const ns = `proxy-bench-${tag}`;
  const nodeName = `proxy-bench-${tag}`;
  const netns = `k8ts-proxybench-${tag}`;
  const names = Array.from({ length: o.services }, (_, i) => `svc-${i}`);
  let worker: ReturnType<typeof spawn> | undefined;
  try {
    await client.create(collectionPath(R.namespaces), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await client.create(collectionPath(R.nodes), { apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName }, spec: { podCIDR: '10.42.200.0/24', podCIDRs: ['10.42.200.0/24'] } });
    await client.patch(objectPath(R.nodes, undefined, nodeName, 'status'), { status: { addresses: [{ type: 'InternalIP', address: '10.99.200.2' }] } });
    const setupStart = wallMs();
    await concurrently(o.services, 16, async i => {
      await client.create(collectionPath(R.services, ns), { apiVersion: 'v1', kind: 'Service', metadata: { namespace: ns, name: names[i] }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
      await client.create(collectionPath(R.endpointslices, ns), slice(ns, names[i], Array.from({ length: o.endpoints }, (_, j) => endpointIP(i, j))));
    });
    const setupMs = wallMs() - setupStart;

    execFileSync('ip', ['netns', 'add', netns]);
    worker = spawn(process.execPath, [WORKER, o.kubeconfig, nodeName, `${NETNS_DIR}/${netns}`, o.mode], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: worker.stdout! })[Symbol.asyncIterator]();
    const next = async (): Promise<Record<string, unknown>> => {
      const r = await lines.next();
      if (r.done) throw new ProxySyncBenchError('the proxy worker exited');
      return JSON.parse(r.value) as Record<string, unknown>;
    };
    /** The next sync that started after `t` and matches (earlier lines are syncs already under way). */
    const syncAfter = async (t: number, want: (s: SyncLine) => boolean) => {
      for (;;) {
        const s = await next() as unknown as SyncLine;
        if (s.startedAt >= t && want(s)) return s;
      }
    };
    const first = await next() as unknown as SyncLine;
    if (!first.full) throw new ProxySyncBenchError('the first sync was not a full one');
    await next(); // started

    const full: number[] = [];
    const fullCpu: number[] = [];
    let chains = 0;
    for (let k = 0; k < o.fullSyncs; k++) {
      await sleep(MIN_SYNC_INTERVAL_MS + 100);
      const asked = wallMs();
      worker.stdin!.write('full\n');
      const s = await syncAfter(asked, x => x.full);
      full.push(s.durationMs);
      fullCpu.push(s.toolCpuMs);
      chains = s.chainsWritten;
    }

    const change: number[] = [];
    const partial: number[] = [];
    const partialCpu: number[] = [];
    const written: number[] = [];
    let lastIP = '';
    for (let k = 0; k < o.changes; k++) {
      await sleep(MIN_SYNC_INTERVAL_MS + 100);
      const i = (k * 7919) % o.services;
      lastIP = `10.${64 + (i >> 8)}.${i & 255}.${200 + (k % 50)}`;
      const body = slice(ns, names[i], [...Array.from({ length: o.endpoints - 1 }, (_, j) => endpointIP(i, j)), lastIP]);
      const current = await client.get(objectPath(R.endpointslices, ns, `${names[i]}-bench`));
      const sent = wallMs();
      await client.update(objectPath(R.endpointslices, ns, `${names[i]}-bench`), { ...body, metadata: { ...body.metadata, resourceVersion: current.metadata.resourceVersion } });
      // The first sync after the write that changed chains (a full one, if one was due, counts too).
      const s = await syncAfter(sent, x => x.chainsWritten > 0);
      change.push(s.at - sent);
      partial.push(s.durationMs);
      partialCpu.push(s.toolCpuMs);
      written.push(s.chainsWritten);
    }
    const [dump, expected] = o.mode === 'nftables'
      ? [['nft', 'list', 'table', 'ip', 'k8ts-proxy'], `${lastIP} . 8080`]
      : [['iptables-save', '-t', 'nat'], `--to-destination ${lastIP}:8080`];
    const rules = execFileSync('nsenter', [`--net=${NETNS_DIR}/${netns}`, '--', ...dump], { encoding: 'utf8', maxBuffer: 256 << 20 });
    if (o.changes && !rules.includes(expected)) throw new ProxySyncBenchError(`the last change (${lastIP}) is not in the kernel's rules`);
    return {
      mode: o.mode,
      services: o.services,
      endpointsPerService: o.endpoints,
      ...(o.mode === 'iptables' ? { natRules: rules.split('\n').filter(l => l.startsWith('-A ')).length } : {}),
      setupMs: Math.round(setupMs),
      fullSyncMs: summarize(full),
      fullSyncToolCpuMs: summarize(fullCpu),
      chainsPerFullSync: chains,
      oneEndpointChangeToKernelMs: summarize(change),
      partialSyncMs: summarize(partial),
      partialSyncToolCpuMs: summarize(partialCpu),
      chainsPerPartialSync: summarize(written),
      targets: { fullSyncMs: 1000, oneEndpointChangeToKernelMs: 100 },
    };
  } finally {
    if (worker && worker.exitCode === null) {
      const exited = new Promise(r => worker!.once('exit', r));
      worker.kill('SIGTERM');
      await exited;
    }
    try {
      execFileSync('ip', ['netns', 'delete', netns], { stdio: 'ignore' });
    } catch { /* never created */ }
    await concurrently(names.length, 16, i => client.delete(objectPath(R.services, ns, names[i])).catch(() => undefined));
    await concurrently(names.length, 16, i => client.delete(objectPath(R.endpointslices, ns, `${names[i]}-bench`)).catch(() => undefined));
    await client.delete(objectPath(R.nodes, undefined, nodeName)).catch(() => undefined);
    await client.delete(objectPath(R.namespaces, undefined, ns)).catch(() => undefined);
    client.close();
  }
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
