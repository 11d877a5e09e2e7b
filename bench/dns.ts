// `npm run bench -- dns`: queries per second and latency of the cluster DNS server (the same
// handler and sockets the node agent runs) on loopback. The server runs on this thread with
// `--services` Services (a tenth headless, with 3 endpoints each); a load generator on a worker
// thread keeps `--concurrency` UDP queries outstanding for `--seconds` per phase:
//   cluster  — A for the Services' FQDNs (round robin)
//   external — A for `--external` names outside the cluster, after one warm-up pass, so they come
//              from the forwarding cache (an upstream of the benchmark's own answers the misses)
// q/s per core divides by the server thread's event-loop utilization (its share of one core).
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createSocket } from 'node:dgram';
import * as packet from 'dns-packet';
import { ClusterRecords } from '../src/dns/cluster-records.js';
import { DnsHandler } from '../src/dns/dns-handler.js';
import { DnsMetrics } from '../src/dns/dns-metrics.js';
import { Forwarder } from '../src/dns/forwarder.js';
import { DnsServer } from '../src/dns/server.js';
import { summarize, nowMs } from './stats.js';

export interface DnsBenchOptions { services: number; external: number; concurrency: number; seconds: number }

interface LoadJob { port: number; names: string[]; concurrency: number; seconds: number; warm: boolean }
interface LoadResult { answered: number; failed: number; elapsedMs: number; latenciesMs: number[] }

const quiet = () => undefined;

export async function dnsBench(o: DnsBenchOptions): Promise<Record<string, unknown>> {
  const records = new ClusterRecords();
  const names: string[] = [];
  for (let n = 0; n < 10; n++) records.setNamespace({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `ns-${n}` } });
  for (let i = 0; i < o.services; i++) {
    const namespace = `ns-${i % 10}`;
    const name = `svc-${i}`;
    const headless = i % 10 === 0;
    records.setService({ apiVersion: 'v1', kind: 'Service', metadata: { namespace, name }, spec: { clusterIP: headless ? 'None' : `10.43.${(i >> 8) & 255}.${i & 255}`, ports: [{ name: 'http', port: 80 }] } });
    if (headless) {
      records.setSlice({
        apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { namespace, name: `${name}-1`, labels: { 'kubernetes.io/service-name': name } },
        addressType: 'IPv4', endpoints: [1, 2, 3].map(k => ({ addresses: [`10.42.${k}.${i & 255}`], conditions: { ready: true } })), ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      });
    }
    names.push(`${name}.${namespace}.svc.cluster.local`);
  }
  const upstream = new DnsServer({
    address: '127.0.0.1', port: 0, log: quiet,
    async handle(buf) {
      const q = packet.decode(buf);
      return packet.encode({ type: 'response', id: q.id, flags: packet.RECURSION_AVAILABLE, questions: q.questions, answers: [{ name: q.questions![0].name, type: 'A', ttl: 300, data: '192.0.2.1' }] });
    },
  });
  const upstreamPort = await upstream.start();
  const forwarder = new Forwarder({ nameservers: ['127.0.0.1'], port: upstreamPort });
  const handler = new DnsHandler(records, { zone: 'cluster.local', ttl: 5, nameserverIPs: ['127.0.0.1'] }, forwarder);
  // Metrics counted as the node agent's cluster DNS counts them: their cost is part of the measure.
  const metrics = new DnsMetrics('dns://127.0.0.1:53', '1');
  const server = new DnsServer({ address: '127.0.0.1', port: 0, handle: (q, t) => metrics.observe(q, t, handler.handle(q, t)), log: quiet });
  const port = await server.start();
  const external = Array.from({ length: o.external }, (_, i) => `host-${i}.example.test`);
  try {
    const cluster = await phase({ port, names, concurrency: o.concurrency, seconds: o.seconds, warm: false });
    const exchangesBefore = forwarder.exchanges;
    const cached = await phase({ port, names: external, concurrency: o.concurrency, seconds: o.seconds, warm: true });
    return {
      services: o.services, concurrency: o.concurrency, secondsPerPhase: o.seconds,
      cluster,
      external: { ...cached, upstreamExchanges: forwarder.exchanges - exchangesBefore, note: 'the warm-up pass fills the cache; the measured queries are cache hits' },
    };
  } finally {
    await server.stop();
    await upstream.stop();
  }
}

/** One measured phase: the load generator on a worker, the server's event-loop utilization here. */
async function phase(job: LoadJob): Promise<Record<string, unknown>> {
  const worker = new Worker(new URL(import.meta.url), { workerData: job });
  let elu: ReturnType<typeof performance.eventLoopUtilization> | undefined;
  const result = await new Promise<LoadResult>((resolve, reject) => {
    worker.on('message', (m: { started?: boolean } | LoadResult) => {
      if ('started' in m) elu = performance.eventLoopUtilization();
      else resolve(m as LoadResult);
    });
    worker.once('error', reject);
  });
  const used = performance.eventLoopUtilization(elu);
  await worker.terminate();
  const qps = result.answered / (result.elapsedMs / 1000);
  return {
    queries: result.answered, failed: result.failed,
    queriesPerSecond: Math.round(qps),
    serverCoreShare: Math.round(used.utilization * 100) / 100,
    queriesPerSecondPerCore: Math.round(qps / Math.max(used.utilization, 0.01)),
    latencyMs: summarize(result.latenciesMs),
  };
}

/** The load generator: closed loop, `concurrency` queries outstanding on one UDP socket. */
async function generateLoad(job: LoadJob): Promise<void> {
  const sock = createSocket('udp4');
  const queries = job.names.map((name, i) => packet.encode({ type: 'query', id: i & 0xffff, flags: packet.RECURSION_DESIRED, questions: [{ name, type: 'A', class: 'IN' }] }));
  const pending = new Map<number, { sent: number; resolve: (ok: boolean) => void }>();
  sock.on('message', m => {
    const id = m.readUInt16BE(0);
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    p.resolve((m.readUInt16BE(2) & 0xf) === 0);
  });
  let nextId = 0;
  // Lost queries fail after 2 s; one sweep instead of a timer per query keeps the generator light.
  const sweep = setInterval(() => {
    const now = nowMs();
    for (const [id, p] of pending) {
      if (now - p.sent < 2000) continue;
      pending.delete(id);
      p.resolve(false);
    }
  }, 250);
  const ask = (i: number): Promise<{ ok: boolean; ms: number }> => {
    const id = nextId++ & 0xffff;
    const q = Buffer.from(queries[i % queries.length]);
    q.writeUInt16BE(id, 0);
    const sent = nowMs();
    return new Promise(resolve => {
      pending.set(id, { sent, resolve: ok => resolve({ ok, ms: nowMs() - sent }) });
      sock.send(q, job.port, '127.0.0.1');
    });
  };
  if (job.warm) for (let i = 0; i < queries.length; i += 50) await Promise.all(Array.from({ length: Math.min(50, queries.length - i) }, (_, k) => ask(i + k)));
  const latencies: number[] = [];
  let failed = 0;
  let next = 0;
  parentPort!.postMessage({ started: true });
  const start = nowMs();
  const end = start + job.seconds * 1000;
  await Promise.all(Array.from({ length: job.concurrency }, async () => {
    while (nowMs() < end) {
      const r = await ask(next++);
      if (r.ok) latencies.push(r.ms);
      else failed++;
    }
  }));
  parentPort!.postMessage({ answered: latencies.length, failed, elapsedMs: nowMs() - start, latenciesMs: latencies } satisfies LoadResult);
  clearInterval(sweep);
  sock.close();
}

if (!isMainThread && workerData) void generateLoad(workerData as LoadJob);
