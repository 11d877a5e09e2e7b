// `npm run bench -- <name> [flags]`: runs one benchmark and prints its JSON figures.
import { parseFlags } from '../src/cli/flags.js';
import { API_PAYLOAD_BYTES, apiBench } from './api.js';
import { crdBench } from './crd.js';
import { crdVersionsBench } from './crd-versions.js';
import { historyBench } from './history.js';
import { etcdPuts } from './etcd-puts.js';
import { etcdFloorBench } from './etcd-floor.js';
import { failoverBench } from './failover.js';
import { logsBench } from './logs.js';
import { dnsBench } from './dns.js';
import { netProgrammingBench } from './net-programming.js';
import { podStartupBench } from './pod-startup.js';
import { proxySyncBench } from './proxy-sync.js';
import { pvcBench } from './pvc.js';
import { PROXY_MODES, type ProxyMode } from '../src/proxy/backend.js';
import { errorMessage } from '../src/util/error-message.js';
import { scaleBench } from './scale.js';
import { schedulerBench } from './scheduler.js';
import { watchFanoutBench } from './watch-fanout.js';

const BENCHES: Record<string, (args: string[]) => Promise<Record<string, unknown>>> = {
  async api(args) {
    const { flags } = parseFlags(args, {
      kubeconfig: { type: 'string', help: 'kubeconfig of the API server to load' },
      'user-kubeconfig': { type: 'string', help: 'run the measured requests as this kubeconfig\'s user, bound to `edit` in the bench namespace (e.g. to measure RBAC against system:masters)' },
      objects: { type: 'int', default: 10_000, help: 'ConfigMaps to create' },
      warmup: { type: 'int', default: 1000, help: 'ConfigMaps created first, not timed (and as many raw etcd puts): a JIT-compiled server is measured warm' },
      concurrency: { type: 'int', default: 16, help: 'concurrent clients' },
      watchers: { type: 'int', default: 100, help: 'concurrent watchers' },
      'watch-updates': { type: 'int', default: 100, help: 'updates observed by the watchers' },
      'etcd-servers': { type: 'string', help: 'the etcd the server keeps its state in: also measure raw etcd puts (as many as --objects, same concurrency and payload) from this process, for comparison' },
      'etcd-cafile': { type: 'string', help: 'CA of the etcd servers' },
      'etcd-certfile': { type: 'string', help: 'client certificate for etcd' },
      'etcd-keyfile': { type: 'string', help: 'key of --etcd-certfile' },
      'server-pid': { type: 'int', help: 'PID of the API server: report its CPU time per create' },
      'etcd-pid': { type: 'int', help: "PID of the server's etcd member: report its CPU time per create (and per raw put)" },
    });
    const pid = (name: string) => (flags[name] === undefined ? undefined : Number(flags[name]));
    if (!flags.kubeconfig) throw new Error('api: --kubeconfig FILE is required');
    const api = await apiBench({
      kubeconfig: String(flags.kubeconfig), userKubeconfig: flags['user-kubeconfig'] ? String(flags['user-kubeconfig']) : undefined,
      objects: Number(flags.objects), warmup: Number(flags.warmup), concurrency: Number(flags.concurrency), watchers: Number(flags.watchers), watchUpdates: Number(flags['watch-updates']),
      serverPid: pid('server-pid'), etcdPid: pid('etcd-pid'),
    });
    if (!flags['etcd-servers']) return api;
    const file = (name: string) => flags[name] as string | undefined;
    const raw = await etcdPuts({
      endpoints: String(flags['etcd-servers']).split(','), caFile: file('etcd-cafile'), certFile: file('etcd-certfile'), keyFile: file('etcd-keyfile'),
      puts: Number(flags.objects), warmup: Number(flags.warmup), concurrency: Number(flags.concurrency), payloadBytes: API_PAYLOAD_BYTES, etcdPid: pid('etcd-pid'),
    });
    const ratio = Number(api.creates_per_second) / Number(raw.puts_per_second);
    return { ...api, raw_etcd: raw, creates_vs_raw_etcd_puts: Math.round(ratio * 100) / 100, targets: { ...(api.targets as object), creates_vs_raw_etcd_puts: 0.6 } };
  },
  async 'watch-fanout'(args) {
    const { flags } = parseFlags(args, {
      kubeconfig: { type: 'string', help: 'kubeconfig of the API server' },
      watchers: { type: 'int', default: 100, help: 'watches on the ConfigMaps of the benchmark namespace' },
      objects: { type: 'int', default: 1000, help: 'ConfigMaps created per round (each an event for every watcher)' },
      concurrency: { type: 'int', default: 16, help: 'concurrent creates' },
      warmup: { type: 'int', default: 500, help: 'ConfigMaps created and delivered first, not measured (a JIT-compiled server is measured warm)' },
      rounds: { type: 'int', default: 3, help: 'measured rounds (the median is reported)' },
      'server-pid': { type: 'int', help: 'PID of the API server, when local: report its write syscalls per delivered event' },
    });
    if (!flags.kubeconfig) throw new Error('watch-fanout: --kubeconfig FILE is required');
    return watchFanoutBench({
      kubeconfig: String(flags.kubeconfig), watchers: Number(flags.watchers), objects: Number(flags.objects),
      concurrency: Number(flags.concurrency), warmup: Number(flags.warmup), rounds: Number(flags.rounds),
      serverPid: flags['server-pid'] === undefined ? undefined : Number(flags['server-pid']),
    });
  },
  async 'etcd-floor'(args) {
    const { flags } = parseFlags(args, {
      'etcd-servers': { type: 'string', help: 'etcd endpoints (https://host:port, comma-separated)' },
      'etcd-cafile': { type: 'string', help: 'CA of the etcd servers' },
      'etcd-certfile': { type: 'string', help: 'client certificate for etcd' },
      'etcd-keyfile': { type: 'string', help: 'key of --etcd-certfile' },
      objects: { type: 'int', default: 10_000, help: 'creates timed (and as many raw puts), as api' },
      warmup: { type: 'int', default: 1000, help: 'untimed creates and puts first, as api' },
      concurrency: { type: 'int', default: 16, help: 'concurrent clients' },
    });
    for (const f of ['etcd-servers', 'etcd-cafile', 'etcd-certfile', 'etcd-keyfile']) if (!flags[f]) throw new Error(`etcd-floor: --${f} is required`);
    return etcdFloorBench({
      endpoints: String(flags['etcd-servers']).split(','), caFile: String(flags['etcd-cafile']), certFile: String(flags['etcd-certfile']), keyFile: String(flags['etcd-keyfile']),
      objects: Number(flags.objects), warmup: Number(flags.warmup), concurrency: Number(flags.concurrency),
    });
  },
  async history(args) {
    const { flags } = parseFlags(args, {
      objects: { type: 'int', default: 3000, help: 'ConfigMaps created per round on each server' },
      concurrency: { type: 'int', default: 16, help: 'concurrent clients' },
      rounds: { type: 'int', default: 4, help: 'alternating rounds on each server (the best counts)' },
    });
    return historyBench({ objects: Number(flags.objects), concurrency: Number(flags.concurrency), rounds: Number(flags.rounds) });
  },
  async 'crd-versions'(args) {
    const { flags } = parseFlags(args, {
      objects: { type: 'int', default: 20_000, help: 'custom resources to create (run node with --expose-gc for the heap figure)' },
      lists: { type: 'int', default: 5, help: 'whole lists timed at each version' },
    });
    return crdVersionsBench({ objects: Number(flags.objects), lists: Number(flags.lists) });
  },
  async crd(args) {
    const { flags } = parseFlags(args, {
      kubeconfig: { type: 'string', help: 'kubeconfig of the API server' },
      objects: { type: 'int', default: 2000, help: 'objects of each kind (custom resource, ConfigMap) to create' },
      concurrency: { type: 'int', default: 16, help: 'concurrent clients' },
      watchers: { type: 'int', default: 50, help: 'concurrent watchers of each kind' },
      'watch-updates': { type: 'int', default: 50, help: 'updates observed by the watchers' },
    });
    if (!flags.kubeconfig) throw new Error('crd: --kubeconfig FILE is required');
    return crdBench({
      kubeconfig: String(flags.kubeconfig), objects: Number(flags.objects), concurrency: Number(flags.concurrency),
      watchers: Number(flags.watchers), watchUpdates: Number(flags['watch-updates']),
    });
  },
  async failover(args) {
    const { flags } = parseFlags(args, {
      nodes: { type: 'int', default: 20, help: 'simulated nodes whose Leases must renew after the kill' },
    });
    return failoverBench({ nodes: Number(flags.nodes) });
  },
  async scheduler(args) {
    const { flags } = parseFlags(args, {
      kubeconfig: { type: 'string', help: 'kubeconfig of the API server' },
      nodes: { type: 'int', default: 5000, help: 'simulated nodes' },
      'initial-pods': { type: 'int', default: 1000, help: 'pods scheduled before measuring' },
      pods: { type: 'int', default: 10_000, help: 'measured pods' },
      cluster: { type: 'bool', default: false, help: "measure the whole cluster (its own scheduler and controllers, simulated kubelets) instead of upstream's API server + scheduler" },
      concurrency: { type: 'int', default: 30, help: "concurrent pod creates (upstream's scheduler_perf creates with 30)" },
      'server-pid': { type: 'int', help: 'PID of the API server, to report the CPU time it spends per pod' },
    });
    if (!flags.kubeconfig) throw new Error('scheduler: --kubeconfig FILE is required');
    return schedulerBench({
      kubeconfig: String(flags.kubeconfig), nodes: Number(flags.nodes), initialPods: Number(flags['initial-pods']),
      pods: Number(flags.pods), cluster: Boolean(flags.cluster), concurrency: Number(flags.concurrency),
      serverPid: flags['server-pid'] === undefined ? undefined : Number(flags['server-pid']),
    });
  },
  async 'pod-startup'(args) {
    const { flags } = parseFlags(args, {
      kubeconfig: { type: 'string', help: 'kubeconfig of a cluster with one real node' },
      pods: { type: 'int', default: 100, help: 'pods to start on the node' },
      qps: { type: 'int', default: 5, help: 'pod creates per second (0: all at once)' },
      node: { type: 'string', help: 'node to fill (default: the only Ready real node)' },
      'agent-pid': { type: 'int', help: 'PID of the process running the kubelet, to report its RSS' },
    });
    if (!flags.kubeconfig) throw new Error('pod-startup: --kubeconfig FILE is required');
    return podStartupBench({
      kubeconfig: String(flags.kubeconfig), pods: Number(flags.pods), qps: Number(flags.qps),
      node: flags.node as string | undefined, agentPid: flags['agent-pid'] === undefined ? undefined : Number(flags['agent-pid']),
    });
  },
  async logs(args) {
    const { flags } = parseFlags(args, {
      lines: { type: 'int', default: 10_000_000, help: 'log lines to ingest' },
      'batch-lines': { type: 'int', default: 1000, help: 'lines per ingested batch (one agent request)' },
      searches: { type: 'int', default: 700, help: 'timed searches after the ingest' },
    });
    return logsBench({ lines: Number(flags.lines), batchLines: Number(flags['batch-lines']), searches: Number(flags.searches) });
  },
  async pvc(args) {
    const { flags } = parseFlags(args, {
      kubeconfig: { type: 'string', help: 'kubeconfig of a cluster with one real node' },
      pods: { type: 'int', default: 100, help: 'claims and pods (and as many pods without volumes, for comparison)' },
      'storage-class': { type: 'string', default: 'local-path', help: 'class of the claims' },
      node: { type: 'string', help: 'node to fill (default: the only Ready real node)' },
    });
    if (!flags.kubeconfig) throw new Error('pvc: --kubeconfig FILE is required');
    return pvcBench({ kubeconfig: String(flags.kubeconfig), pods: Number(flags.pods), storageClass: String(flags['storage-class']), node: flags.node as string | undefined });
  },
  async 'net-programming'(args) {
    const { flags } = parseFlags(args, {
      kubeconfig: { type: 'string', help: 'kubeconfig of a cluster with at least one real node' },
      services: { type: 'int', default: 20, help: 'Services created, one at a time' },
      'endpoint-changes': { type: 'int', default: 5, help: 'backend scale-ups measured (0: none)' },
      node: { type: 'string', help: 'node to run the pods on (default: the only Ready real node)' },
    });
    if (!flags.kubeconfig) throw new Error('net-programming: --kubeconfig FILE is required');
    return netProgrammingBench({
      kubeconfig: String(flags.kubeconfig), services: Number(flags.services),
      endpointChanges: Number(flags['endpoint-changes']), node: flags.node as string | undefined,
    });
  },
  async dns(args) {
    const { flags } = parseFlags(args, {
      services: { type: 'int', default: 1000, help: 'Services the DNS server knows' },
      external: { type: 'int', default: 100, help: 'names outside the cluster (answered from the forwarding cache)' },
      concurrency: { type: 'int', default: 16, help: 'queries outstanding' },
      seconds: { type: 'int', default: 5, help: 'length of each measured phase' },
    });
    return dnsBench({ services: Number(flags.services), external: Number(flags.external), concurrency: Number(flags.concurrency), seconds: Number(flags.seconds) });
  },
  async 'proxy-sync'(args) {
    const { flags } = parseFlags(args, {
      kubeconfig: { type: 'string', help: 'kubeconfig of the API server' },
      services: { type: 'int', default: 1000, help: 'Services' },
      endpoints: { type: 'int', default: 10, help: 'endpoints per Service' },
      'full-syncs': { type: 'int', default: 5, help: 'forced full syncs measured' },
      changes: { type: 'int', default: 20, help: 'single endpoint changes measured (about 1 s apart)' },
      'proxy-mode': { type: 'string', default: 'nftables', help: 'nftables (the agent\'s default) or iptables' },
    });
    if (!flags.kubeconfig) throw new Error('proxy-sync: --kubeconfig FILE is required');
    const mode = String(flags['proxy-mode']) as ProxyMode;
    if (!PROXY_MODES.includes(mode)) throw new Error(`proxy-sync: --proxy-mode must be ${PROXY_MODES.join(' or ')}`);
    return proxySyncBench({
      kubeconfig: String(flags.kubeconfig), services: Number(flags.services), endpoints: Number(flags.endpoints),
      fullSyncs: Number(flags['full-syncs']), changes: Number(flags.changes), mode,
    });
  },
  async scale(args) {
    const { flags } = parseFlags(args, {
      kubeconfig: { type: 'string', help: 'kubeconfig of the API server' },
      nodes: { type: 'int', default: 5000, help: 'simulated nodes' },
      pods: { type: 'int', default: 150_000, help: 'pods, spread over the Deployments' },
      deployments: { type: 'int', default: 150, help: 'Deployments' },
      'server-pid': { type: 'int', help: 'PID of the API server, to report its RSS' },
    });
    if (!flags.kubeconfig) throw new Error('scale: --kubeconfig FILE is required');
    return scaleBench({
      kubeconfig: String(flags.kubeconfig), nodes: Number(flags.nodes), pods: Number(flags.pods),
      deployments: Number(flags.deployments), serverPid: flags['server-pid'] === undefined ? undefined : Number(flags['server-pid']),
    });
  },
};

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const bench = name ? BENCHES[name] : undefined;
  if (!bench) {
    process.stderr.write(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> [flags]\n`);
    process.exit(2);
  }
  const result = await bench(args);
  process.stdout.write(JSON.stringify({ bench: name, ...result }, null, 2) + '\n');
}

main().catch(err => {
  process.stderr.write(`bench: ${errorMessage(err)}\n`);
  process.exit(1);
});
