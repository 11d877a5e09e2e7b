// What `api --etcd-servers` can reach at best on this machine: the same creates (RestClient, same
// payload and concurrency, after the same warm-up) against a server process that does nothing but
// one etcd create Txn per request (etcd-floor-server.ts), compared in the same run with raw puts
// from this process. If even this floor stays under the api target's ratio, the target measures
// the machine (load generator, server and etcd sharing its cores), not the API server.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RestClient } from '../src/client/rest-client.js';
import { EtcdClient } from '../src/storage/etcd/client.js';
import { createCA, issueCertificate } from '../src/pki/certificates.js';
import { API_PAYLOAD_BYTES } from './api.js';
import { concurrently } from './concurrently.js';
import { etcdPuts, type EtcdPutsOptions } from './etcd-puts.js';
import { nowMs } from './stats.js';

const SERVER = fileURLToPath(new URL('./etcd-floor-server.js', import.meta.url));

export type EtcdFloorOptions = Required<Pick<EtcdPutsOptions, 'endpoints' | 'caFile' | 'certFile' | 'keyFile'>> & { objects: number; warmup: number; concurrency: number };

export async function etcdFloorBench(o: EtcdFloorOptions): Promise<Record<string, unknown>> {
  const ca = await createCA('k8ts-floor-ca');
  const serving = await issueCertificate(ca, { commonName: 'k8ts-floor', usage: 'server', ipAddresses: ['127.0.0.1'] });
  const child = spawn(process.execPath, [SERVER, JSON.stringify({
    endpoints: o.endpoints, caFile: o.caFile, certFile: o.certFile, keyFile: o.keyFile, servingCert: serving.cert, servingKey: serving.key,
  })], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout!.once('data', d => resolve(Number(String(d).trim())));
      child.once('exit', code => reject(new Error(`floor server exited (${code})`)));
    });
    const client = new RestClient({ server: `https://127.0.0.1:${port}`, ca: ca.cert }, 'k8ts-bench');
    const payload = 'x'.repeat(API_PAYLOAD_BYTES);
    const run = (prefix: string, count: number) => concurrently(count, o.concurrency, i => client.create(`/api/v1/namespaces/floor-${process.pid}/configmaps`, { metadata: { name: `${prefix}-${i}` }, data: { payload } }));
    await run('warmup', o.warmup);
    const t0 = nowMs();
    await run('cm', o.objects);
    const createsPerSecond = o.objects / ((nowMs() - t0) / 1000);
    client.close();
    const raw = await etcdPuts({ ...o, puts: o.objects, payloadBytes: API_PAYLOAD_BYTES });
    return {
      objects: o.objects, warmup: o.warmup, concurrency: o.concurrency,
      floor_creates_per_second: Math.round(createsPerSecond), raw_puts_per_second: raw.puts_per_second,
      floor_vs_raw_etcd_puts: Math.round(createsPerSecond / Number(raw.puts_per_second) * 100) / 100,
      api_target: 0.6,
    };
  } finally {
    child.kill();
    const etcd = new EtcdClient({ endpoints: o.endpoints, tls: { ca: readFileSync(o.caFile), cert: readFileSync(o.certFile), key: readFileSync(o.keyFile) } });
    await etcd.deleteRange({ key: Buffer.from('/k8ts-floor/'), rangeEnd: Buffer.from('/k8ts-floor0') }).catch(() => undefined);
    etcd.close();
  }
}
