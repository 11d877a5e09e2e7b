// Failover benchmark: a three-member etcd cluster (TLS, on loopback) and three k8ts servers, server i
// on etcd member i first (then the others), sharing the cluster's credentials as joined servers do;
// `k8ts sim-nodes` is given all three servers, the etcd leader's first: the nodes talk to the machine
// that dies. The etcd leader and the server beside it are killed (SIGKILL) together, as when the
// leader's machine dies; measured from the kill: the first write acknowledged through another
// server, and every node's Lease renewed (through another server: the nodes' client fails over).
// Prints one JSON object.
// (The servers join the first with `--server --token-file`; etcd is external, so the members are
// started here rather than by --cluster-init.)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadKubeconfig } from '../src/client/kubeconfig.js';
import { RestClient } from '../src/client/rest-client.js';
import { createCA, issueCertificate } from '../src/pki/certificates.js';
import { EtcdMember, freePort } from '../src/storage/etcd/member.js';
import { runCommand } from '../src/util/command.js';
import { nowMs } from './stats.js';

const K8TS = fileURLToPath(new URL('../../bin/k8ts.js', import.meta.url));

export interface FailoverBenchOptions {
  nodes: number;
}

interface Server { proc: ChildProcess; url: string; kubeconfig: string; dataDir: string }

function startServer(dataDir: string, args: string[]): Promise<Server> {
  const proc = spawn(process.execPath, [K8TS, 'server', '--data-dir', dataDir, '--https-listen-port', '0', '--bind-address', '127.0.0.1', '--disable-agent', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', d => {
      out += d;
      const url = /running at (\S+)/.exec(out)?.[1];
      const kubeconfig = /kubeconfig: (\S+)/.exec(out)?.[1];
      if (url && kubeconfig) resolve({ proc, url, kubeconfig, dataDir });
    });
    proc.stderr!.resume();
    proc.once('exit', code => reject(new Error(`server in ${dataDir} exited (${code}) before it was ready: ${out.slice(-500)}`)));
  });
}

async function stop(proc: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise(r => proc.once('exit', r));
  proc.kill(signal);
  await exited;
}

/** The etcd leader's index among `endpoints`, from etcdctl's table (IS LEADER column). */
async function leaderIndex(endpoints: string[], tls: string[]): Promise<number> {
  const r = await runCommand('etcdctl', ['--endpoints', endpoints.join(','), ...tls, 'endpoint', 'status', '-w', 'table']);
  // Columns: | ENDPOINT | ID | VERSION | DB SIZE | IS LEADER | ...
  const row = r.stdout.split('\n').find(l => l.split('|')[5]?.trim() === 'true');
  const endpoint = row?.split('|')[1]?.trim();
  const i = endpoints.indexOf(endpoint ?? '');
  if (i < 0) throw new Error(`no etcd leader in: ${r.stdout}${r.stderr}`);
  return i;
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<number> {
  const deadline = nowMs() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return nowMs();
    if (nowMs() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise(r => setTimeout(r, 50));
  }
}

/**
 * A continuous writer: a new create every 100 ms through each client, not waiting for earlier ones
 * (a write caught in the dying leader's proposal waits out etcd's request timeout, which later
 * writes need not), until one is acknowledged; its completion time.
 */
function firstAcknowledgedWrite(writers: RestClient[], timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let n = 0;
    const started = nowMs();
    const timer = setInterval(() => {
      if (nowMs() - started > timeoutMs) {
        clearInterval(timer);
        reject(new Error('timed out: no write acknowledged through a surviving server'));
        return;
      }
      for (const w of writers) {
        w.create('/api/v1/namespaces/default/configmaps', { metadata: { name: `after-kill-${n++}` } }).then(() => {
          clearInterval(timer);
          resolve(nowMs());
        }, () => undefined);
      }
    }, 100);
  });
}

export async function failoverBench(o: FailoverBenchOptions): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-failover-'));
  const members: EtcdMember[] = [];
  const servers: Server[] = [];
  let nodes: ChildProcess | undefined;
  try {
    const tlsDir = join(dir, 'etcd-tls');
    mkdirSync(tlsDir);
    const ca = await createCA('etcd-bench-ca');
    const serverPair = await issueCertificate(ca, { commonName: 'etcd', usage: 'both', ipAddresses: ['127.0.0.1'] });
    const clientPair = await issueCertificate(ca, { commonName: 'k8ts', usage: 'client' });
    const f = (name: string, pem: string) => { writeFileSync(join(tlsDir, name), pem); return join(tlsDir, name); };
    const files = { ca: f('ca.crt', ca.cert), cert: f('server.crt', serverPair.cert), key: f('server.key', serverPair.key), clientCert: f('client.crt', clientPair.cert), clientKey: f('client.key', clientPair.key) };
    const ports = await Promise.all(Array.from({ length: 6 }, () => freePort()));
    const clientUrls = [0, 1, 2].map(i => `https://127.0.0.1:${ports[i]}`);
    const peerUrls = [0, 1, 2].map(i => `https://127.0.0.1:${ports[3 + i]}`);
    const initialCluster = peerUrls.map((u, i) => `e${i}=${u}`).join(',');
    members.push(...await Promise.all([0, 1, 2].map(i => EtcdMember.start({
      name: `e${i}`, dataDir: join(dir, `e${i}`), logFile: join(dir, `e${i}.log`), clientUrls: [clientUrls[i]], peerUrls: [peerUrls[i]], initialCluster,
      tls: { caFile: files.ca, certFile: files.cert, keyFile: files.key },
    }, { ca: Buffer.from(ca.cert), cert: Buffer.from(clientPair.cert), key: Buffer.from(clientPair.key) }))));
    const etcdTlsArgs = ['--etcd-cafile', files.ca, '--etcd-certfile', files.clientCert, '--etcd-keyfile', files.clientKey];
    const serverArgs = (i: number) => ['--datastore', 'etcd', '--etcd-servers', [...clientUrls.slice(i), ...clientUrls.slice(0, i)].join(','), ...etcdTlsArgs];

    servers.push(await startServer(join(dir, 's0'), serverArgs(0)));
    for (const i of [1, 2]) {
      // Joins the first server: the same CA, keys and token (k8ts server --server).
      servers.push(await startServer(join(dir, `s${i}`), [...serverArgs(i), '--server', servers[0].url, '--token-file', join(servers[0].dataDir, 'token')]));
    }
    const leader = await leaderIndex(clientUrls, ['--cacert', files.ca, '--cert', files.clientCert, '--key', files.clientKey]);
    const allServers = [...servers.slice(leader), ...servers.slice(0, leader)].map(s => s.url).join(',');
    nodes = spawn(process.execPath, [K8TS, 'sim-nodes', '--kubeconfig', servers[0].kubeconfig, '--server', allServers, '--count', String(o.nodes), '--name-prefix', 'fo-'], { stdio: 'ignore' });
    // Reads the Leases through whichever server is alive (it fails over like the nodes).
    const watcher = new RestClient({ ...loadKubeconfig(servers[0].kubeconfig), failoverServers: servers.slice(1).map(s => s.url) }, 'k8ts-bench');
    const leaseRenewals = async () => ((await watcher.list<{ metadata: { name: string }; spec: { renewTime: string } }>('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases')).items)
      .filter(l => l.metadata.name.startsWith('fo-')).map(l => Date.parse(l.spec.renewTime));
    await until('every simulated node has a Lease', 60_000, async () => (await leaseRenewals()).length === o.nodes);

    const survivors = servers.filter((_, i) => i !== leader);
    const writers = survivors.map(s => new RestClient(loadKubeconfig(s.kubeconfig), 'k8ts-bench'));
    // Kill the leader's machine: its etcd member and its server at once.
    const killedAtWall = Date.now();
    const t0 = nowMs();
    process.kill(members[leader].pid, 'SIGKILL');
    servers[leader].proc.kill('SIGKILL');
    const firstWrite = await firstAcknowledgedWrite(writers, 60_000);
    const leasesRenewed = await until('every node Lease renewed after the kill', 120_000, async () => {
      const renewals = await leaseRenewals();
      return renewals.length === o.nodes && renewals.every(t => t > killedAtWall);
    });
    for (const w of [watcher, ...writers]) w.close();
    const writeSeconds = (firstWrite - t0) / 1000;
    const leaseSeconds = (leasesRenewed - t0) / 1000;
    return {
      bench: 'failover',
      etcd_members: 3, servers: 3, nodes: o.nodes, killed: `etcd leader e${leader} and server s${leader}`,
      first_write_after_kill_seconds: Math.round(writeSeconds * 100) / 100,
      all_leases_renewed_after_kill_seconds: Math.round(leaseSeconds * 100) / 100,
      targets: { first_write_after_kill_seconds: 15, stretch_first_write_after_kill_seconds: 5, all_leases_renewed_after_kill_seconds: 15 },
    };
  } finally {
    if (nodes) await stop(nodes);
    for (const s of servers) await stop(s.proc);
    await Promise.all(members.map(m => m.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}
