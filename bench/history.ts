// `npm run bench -- history`: what recording the history costs the write path. Two k8ts servers
// (SQLite datastore, no agent), one with the history on (--history-retention 24h) and one with it
// off (0), take the same ConfigMap creates from `concurrency` clients, in alternating rounds so
// that the machine's other load falls on both alike. Reports creates/s of each (best and median
// round) and their ratios; the target is ≥ 0.9.
import type { KubeObject } from '../src/api/object.js';
import { loadKubeconfig } from '../src/client/kubeconfig.js';
import { RestClient } from '../src/client/rest-client.js';
import { TestCluster } from '../test/e2e/harness.js';
import { concurrently } from './concurrently.js';
import { nowMs } from './stats.js';
import { API_PAYLOAD_BYTES } from './api.js';

export interface HistoryBenchOptions {
  objects: number;
  concurrency: number;
  rounds: number;
}

export async function historyBench(o: HistoryBenchOptions): Promise<Record<string, unknown>> {
  const on = await TestCluster.start({ extraArgs: ['--history-retention', '24h'] });
  const off = await TestCluster.start({ extraArgs: ['--history-retention', '0'] }).catch(async err => { await on.stop(); throw err; });
  const clients = { on: new RestClient(loadKubeconfig(on.kubeconfig), 'k8ts-bench'), off: new RestClient(loadKubeconfig(off.kubeconfig), 'k8ts-bench') };
  try {
    const rates: Record<'on' | 'off', number[]> = { on: [], off: [] };
    for (let round = 0; round < o.rounds; round++) {
      for (const which of round % 2 ? ['on', 'off'] as const : ['off', 'on'] as const) {
        rates[which].push(await createRate(clients[which], `bench-${round}`, o.objects, o.concurrency));
      }
    }
    const best = (xs: number[]) => Math.max(...xs);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const ratio = (a: number, b: number) => Math.round(a / b * 100) / 100;
    return {
      objects: o.objects, concurrency: o.concurrency, rounds: o.rounds,
      creates_per_second_history_on: best(rates.on), creates_per_second_history_off: best(rates.off),
      rounds_creates_per_second: rates,
      on_vs_off: ratio(best(rates.on), best(rates.off)),
      median_on_vs_off: ratio(median(rates.on), median(rates.off)),
      targets: { on_vs_off: 0.9 },
    };
  } finally {
    clients.on.close();
    clients.off.close();
    await on.stop();
    await off.stop();
  }
}

/** Creates `objects` ConfigMaps of API_PAYLOAD_BYTES in a new namespace; creates per second. */
async function createRate(client: RestClient, ns: string, objects: number, concurrency: number): Promise<number> {
  await client.create('/api/v1/namespaces', { metadata: { name: ns } });
  const payload = 'x'.repeat(API_PAYLOAD_BYTES);
  const t0 = nowMs();
  await concurrently(objects, concurrency, i => client.create<KubeObject>(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: `cm-${i}` }, data: { payload } }));
  return Math.round(objects / ((nowMs() - t0) / 1000));
}
