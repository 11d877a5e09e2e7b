// Watch fan-out benchmark against any Kubernetes API server (kubeconfig): N watches on the
// ConfigMaps of one namespace (in a child process, see watch-fanout-watchers.ts), M creates there,
// and how fast and at what CPU cost every event reaches every watcher. The server's CPU comes from
// its /metrics (process_cpu_seconds_total), read around each phase. Creates cost the server CPU of
// their own: the same creates in a namespace nobody watches measure that, and the difference per
// delivered event is what fan-out costs. Each round does both; the median round is reported.
// Prints one JSON object; removes its namespaces.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
  /** The server's PID, when local: its write syscalls per delivered event are reported (/proc/PID/io). */
  serverPid?: number;
}

const WATCHERS = fileURLToPath(new URL('./watch-fanout-watchers.js', import.meta.url));
/** Longest a phase may take before the benchmark gives up (every watcher must see every event). */
const PHASE_TIMEOUT_MS = 300_000;

interface Round {
  events_per_second: number;
  server_cpu_us_per_event?: number;
  server_cpu_us_per_unwatched_create?: number;
  fanout_cpu_us_per_event?: number;
  /** Of which in user space (the server's JavaScript, TLS) and in the kernel (syscalls, TCP). */
  fanout_user_cpu_us_per_event?: number;
  fanout_system_cpu_us_per_event?: number;
  watcher_cpu_us_per_event: number;
  /** Write syscalls of the server per delivered event, beyond those of the same creates unwatched. */
  fanout_writes_per_event?: number;
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
      const [idle0, idleWrites0] = [await serverCpuSeconds(client), writeSyscalls(o.serverPid)];
      await create(unwatched, `round${r}`, o.objects);
      const [idle1, idleWrites1] = [await serverCpuSeconds(client), writeSyscalls(o.serverPid)];
      const t0 = nowMs();
      const seen = await watchers.phase({ phase: `round${r}`, count: o.objects }, () => create(ns, `round${r}`, o.objects));
      const seconds = (nowMs() - t0) / 1000;
      const [watched1, watchedWrites1] = [await serverCpuSeconds(client), writeSyscalls(o.serverPid)];
      const round: Round = { events_per_second: Math.round(events / seconds), watcher_cpu_us_per_event: us(seen.cpuMs / 1000 / events) };
      if (idleWrites0 !== undefined && idleWrites1 !== undefined && watchedWrites1 !== undefined) {
        round.fanout_writes_per_event = Math.round((watchedWrites1 - idleWrites1 - (idleWrites1 - idleWrites0)) / events * 1000) / 1000;
      }
      if (idle0 && idle1 && watched1) {
        const fanout = (k: keyof ServerCpu) => us((watched1[k] - idle1[k] - (idle1[k] - idle0[k])) / events);
        round.server_cpu_us_per_event = us((watched1.total - idle1.total) / events);
        round.server_cpu_us_per_unwatched_create = us((idle1.total - idle0.total) / o.objects);
        round.fanout_cpu_us_per_event = fanout('total');
        round.fanout_user_cpu_us_per_event = fanout('user');
        round.fanout_system_cpu_us_per_event = fanout('system');
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

interface ServerCpu { total: number; user: number; system: number }

/** The server's CPU seconds so far (process_cpu_*seconds_total), if its /metrics has them. */
async function serverCpuSeconds(client: RestClient): Promise<ServerCpu | undefined> {
  const families = parseExposition(await client.text('/metrics'));
  const value = (name: string) => families.get(name)?.samples[0]?.value;
  const [total, user, system] = [value('process_cpu_seconds_total'), value('process_cpu_user_seconds_total'), value('process_cpu_system_seconds_total')];
  return total === undefined || user === undefined || system === undefined ? undefined : { total, user, system };
}

/** Write syscalls a local process has made so far (syscw of /proc/PID/io). */
function writeSyscalls(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  const m = /^syscw: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
  return m ? Number(m[1]) : undefined;
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
