// The proxy-sync benchmark's kube-proxy: run by bench/proxy-sync.ts, it reaches the API server from
// this process's namespace and programs iptables or nftables in the one the benchmark created. It prints one JSON line per sync on stdout (with a wall-clock timestamp
// comparable across processes), and forces a full sync for each "full" line read on stdin.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { loadKubeconfig } from '../src/client/kubeconfig.js';
import { RestClient } from '../src/client/rest-client.js';
import { SharedInformers } from '../src/client/shared-informers.js';
import type { ProxyMode } from '../src/proxy/backend.js';
import { KubeProxy } from '../src/proxy/proxier.js';
import { logger } from '../src/util/log.js';

const [kubeconfig, nodeName, netns, mode] = process.argv.slice(2) as [string, string, string, ProxyMode];
const client = new RestClient(loadKubeconfig(kubeconfig), 'k8ts-bench-proxy');
const informers = new SharedInformers(client);
const proxy = new KubeProxy({ client, informers, nodeName, log: logger('kube-proxy'), netns, mode });
/** CPU milliseconds (user + system) of this process's finished children: iptables-restore or nft, and co. */
const childrenCpuMs = () => {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
};
let cpuBefore = childrenCpuMs();
proxy.onSync = stats => {
  const cpu = childrenCpuMs();
  const at = performance.timeOrigin + performance.now();
  process.stdout.write(JSON.stringify({ ...stats, at, startedAt: at - stats.durationMs, toolCpuMs: cpu - cpuBefore }) + '\n');
  cpuBefore = cpu;
};
await proxy.start();
process.stdout.write(JSON.stringify({ started: true }) + '\n');
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'full') proxy.requestFullSync();
}
await proxy.stop();
informers.stop();
client.close();
