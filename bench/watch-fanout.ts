// Watch fan-out benchmark against any Kubernetes API server (kubeconfig): N watches on the
// ConfigMaps of one namespace (in a child process, see watch-fanout-watchers.ts), M creates there,
// and how fast and at what CPU cost every event reaches every watcher. The server's CPU comes from
// its /metrics (process_cpu_seconds_total), read around each phase. Creates cost the server CPU of
// their own: the same creates in a namespace nobody watches measure that, and the difference per
// delivered event is what fan-out costs. Each round does both; the median round is reported.
// Prints one JSON object; removes its namespaces.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadKubeconfig } from '../src/client/kubeconfig.js';
import { RestClient } from '../src/client/rest-client.js';
import { parseExposition } from '../src/metrics/testing/prometheus-text.js';
import { API_PAYLOAD_BYTES } from './api.js';
import { concurrently } from './concurrently.js';
import { nowMs } from './stats.js';
import type { PhaseRequest, WatchersMessage } from './watch-fanout-watchers.js';

export interface WatchFanoutOptions {
  kubeconfig: string;
  watchers: number;
  objects: number;
  concurrency: number;
  warmup: number;
  rounds: number;
}

const WATCHERS = fileURLToPath(new URL('./watch-fanout-watchers.js', import.meta.url));
/** Longest a phase may take before the benchmark gives up (every watcher must see every event). */
const PHASE_TIMEOUT_MS = 300_000;

interface Round {
  events_per_second: number;
  server_cpu_us_per_event?: number;
  server_cpu_us_per_unwatched_create?: number;
  fanout_cpu_us_per_event?: number;
  watcher_cpu_us_per_event: number;
}

export async function watchFanoutBench(o: WatchFanoutOptions): Promise<Record<string, unknown>> {
  const client = new RestClient(loadKubeconfig(o.kubeconfig), 'k8ts-bench');
  const ns = `watch-fanout-${Date.now().toString(36)}`;
  const unwatched = `${ns}-unwatched`;
  const cms = (namespace: string) => `/api/v1/namespaces/${namespace}/configmaps`;
  const payload = 'x'.repeat(API_PAYLOAD_BYTES);
  const create = (namespace: string, phase: string, count: number) =>
    concurrently(count, o.concurrency, i => client.create(cms(namespace), { metadata: { name: `${phase}-${i}` }, data: { payload } }));
  let watchers: Watchers | undefined;
  for (const n of [ns, unwatched]) await client.create('/api/v1/namespaces', { metadata: { name: n } });
  try {
    const from = (await client.list(cms(ns))).metadata.resourceVersion!;
    watchers = new Watchers(o.kubeconfig, cms(ns), from, o.watchers);
    // Every watch is connected once each has seen this first object.
    await watchers.phase({ phase: 'connected', count: 1 }, () => create(ns, 'connected', 1));
    await watchers.phase({ phase: 'warmup', count: o.warmup }, () => Promise.all([create(ns, 'warmup', o.warmup), create(unwatched, 'warmup', o.warmup)]));

    const rounds: Round[] = [];
    for (let r = 1; r <= o.rounds; r++) {
      const events = o.watchers * o.objects;
      const idle0 = await serverCpuSeconds(client);
      await create(unwatched, `round${r}`, o.objects);
      const idle1 = await serverCpuSeconds(client);
      const t0 = nowMs();
      const seen = await watchers.phase({ phase: `round${r}`, count: o.objects }, () => create(ns, `round${r}`, o.objects));
      const seconds = (nowMs() - t0) / 1000;
      const watched1 = await serverCpuSeconds(client);
      const round: Round = { events_per_second: Math.round(events / seconds), watcher_cpu_us_per_event: us(seen.cpuMs / 1000 / events) };
      if (idle0 !== undefined && idle1 !== undefined && watched1 !== undefined) {
        round.server_cpu_us_per_event = us((watched1 - idle1) / events);
        round.server_cpu_us_per_unwatched_create = us((idle1 - idle0) / o.objects);
        round.fanout_cpu_us_per_event = us((watched1 - idle1 - (idle1 - idle0)) / events);
      }
      if (seen.outOfOrder) throw new Error(`${seen.outOfOrder} events reached a watcher out of resourceVersion order`);
      rounds.push(round);
    }
    return {
      target: client.server,
      watchers: o.watchers,
      objects: o.objects,
      concurrency: o.concurrency,
      warmup: o.warmup,
      events_per_round: o.watchers * o.objects,
      ...medianRound(rounds),
      rounds,
    };
  } finally {
    watchers?.stop();
    for (const n of [ns, unwatched]) {
      await client.delete(cms(n)).catch(() => undefined);
      await client.delete(`/api/v1/namespaces/${n}`).catch(() => undefined);
    }
    client.close();
  }
}

/** The watcher process: runs a phase's writes and resolves once every watcher has seen them. */
class Watchers {
  private readonly child: ChildProcess;
  private failure?: Error;
  private onMessage?: (m: WatchersMessage) => void;

  constructor(kubeconfig: string, path: string, resourceVersion: string, count: number) {
    this.child = fork(WATCHERS, [kubeconfig, path, resourceVersion, String(count)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m: WatchersMessage) => this.onMessage?.(m));
    this.child.on('exit', code => this.onMessage?.({ failed: `watcher process exited (${code})` }));
  }

  async phase(request: PhaseRequest, writes: () => Promise<unknown>): Promise<{ cpuMs: number; outOfOrder: number }> {
    if (this.failure) throw this.failure;
    const seen = new Promise<{ cpuMs: number; outOfOrder: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`watchers did not see ${request.count} events of ${request.phase} within ${PHASE_TIMEOUT_MS} ms`)), PHASE_TIMEOUT_MS);
      this.onMessage = m => {
        if ('failed' in m) { this.failure = new Error(m.failed); reject(this.failure); } else if (m.phase === request.phase) resolve(m); else return;
        clearTimeout(timer);
        this.onMessage = undefined;
      };
    });
    this.child.send(request);
    await writes();
    return seen;
  }

  stop(): void {
    if (this.child.connected) this.child.disconnect();
    this.child.kill();
  }
}

/** The server's process_cpu_seconds_total, if its /metrics has it. */
async function serverCpuSeconds(client: RestClient): Promise<number | undefined> {
  const families = parseExposition(await client.text('/metrics'));
  return families.get('process_cpu_seconds_total')?.samples[0]?.value;
}

/** Seconds as microseconds, to 0.01. */
function us(seconds: number): number {
  return Math.round(seconds * 1e8) / 100;
}

/** Each figure's median over the rounds. */
function medianRound(rounds: Round[]): Partial<Round> {
  const out: Partial<Record<keyof Round, number>> = {};
  for (const key of Object.keys(rounds[0] ?? {}) as (keyof Round)[]) {
    const values = rounds.map(r => r[key]!).sort((a, b) => a - b);
    out[key] = values[(values.length - 1) >> 1];
  }
  return out;
}
