// Raw etcd puts from the benchmark's own process: the physical limit an API server on that etcd
// could approach (what `api --etcd-servers` compares its creates with). Same payload size and
// number of concurrent clients as the API creates; the keys live under a prefix removed afterwards.
import { readFileSync } from 'node:fs';
import { EtcdClient } from '../src/storage/etcd/client.js';
import { concurrently } from './concurrently.js';
import { cpuPerOperation, cpuSample, nowMs, summarize } from './stats.js';

export interface EtcdPutsOptions {
  endpoints: string[];
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  puts: number;
  /** Puts before the timed ones (not counted), as the API benchmark's warm-up creates. */
  warmup: number;
  concurrency: number;
  payloadBytes: number;
  /** The etcd member's process, whose CPU time per put is reported. */
  etcdPid?: number;
}

export async function etcdPuts(o: EtcdPutsOptions): Promise<Record<string, unknown>> {
  const read = (f?: string) => (f === undefined ? undefined : readFileSync(f));
  const tls = o.caFile === undefined ? undefined : { ca: read(o.caFile)!, cert: read(o.certFile), key: read(o.keyFile) };
  const client = new EtcdClient({ endpoints: o.endpoints, tls });
  const prefix = `/k8ts-bench-${Date.now().toString(36)}/`;
  const value = Buffer.alloc(o.payloadBytes, 'x');
  const latencies: number[] = [];
  try {
    await concurrently(o.warmup, o.concurrency, i => client.put({ key: Buffer.from(`${prefix}warmup-${i}`), value }));
    const cpu0 = cpuSample(o);
    const t0 = nowMs();
    await concurrently(o.puts, o.concurrency, async i => {
      const s = nowMs();
      await client.put({ key: Buffer.from(`${prefix}${i}`), value });
      latencies.push(nowMs() - s);
    });
    const seconds = (nowMs() - t0) / 1000;
    const cpu = cpuPerOperation(cpu0, o, o.puts);
    return {
      puts: o.puts, warmup: o.warmup, concurrency: o.concurrency, payload_bytes: o.payloadBytes, puts_per_second: Math.round(o.puts / seconds), put_latency_ms: summarize(latencies),
      ...(cpu ? { put_cpu_ms: cpu } : {}),
    };
  } finally {
    await client.deleteRange({ key: Buffer.from(prefix), rangeEnd: Buffer.from(prefix.slice(0, -1) + '0') }).catch(() => undefined);
    client.close();
  }
}
