// `npm run bench -- logs`: the container log store's ingest rate and search latency. Lines are
// generated straight into a store on disk through LogStore.ingest (the path the API's ingest
// endpoint takes, minus the network), in batches as agents send them, from many pods and
// containers; then word searches (rare and common words, with and without filters) are timed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogStore, type LogBatch, type LogQuery, type LogSource } from '../src/storage/logs/log-store.js';
import { nowMs, summarize } from './stats.js';

export interface LogsBenchOptions {
  lines: number;
  batchLines: number;
  searches: number;
}

const WORDS = ['GET', 'POST', 'request', 'served', 'status', 'user', 'cache', 'miss', 'hit', 'upstream', 'timeout', 'retry', 'db', 'query', 'ok', 'slow'];

export async function logsBench(o: LogsBenchOptions): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-logs-'));
  const store = new LogStore(join(dir, 'logs', 'logs.db'));
  try {
    const sources: LogSource[] = Array.from({ length: 200 }, (_, i) => ({
      namespace: `ns-${i % 20}`, pod: `app-${i}`, podUid: `uid-${i}`, container: i % 2 ? 'main' : 'sidecar', node: `node-${i % 10}`, labels: { app: `app-${i % 40}` },
    }));
    const offsets = new Map<number, number>();
    let rng = 12345;
    // A 32-bit LCG in integer arithmetic, read from its high bits (its low bits cycle quickly; in
    // floating point the product overflows 2^53 and the sequence collapses to one value).
    const rand = (n: number) => {
      rng = (Math.imul(rng, 1103515245) + 12345) >>> 0;
      return (rng >>> 8) % n;
    };
    const start = Date.now() - o.lines; // one line per ms on average, ending now
    // Only the store's work is timed, not making up the lines.
    let ingestMs = 0;
    let ingestCpuUs = 0;
    for (let done = 0; done < o.lines;) {
      const s = rand(sources.length);
      const n = Math.min(o.batchLines, o.lines - done);
      const lines = Array.from({ length: n }, (_, i) => {
        const k = done + i;
        // A rare token every 100,000 lines, so searches for it pick out few lines among many.
        const rare = k % 100_000 === 0 ? ` needle${k / 100_000}` : '';
        return { timeMs: start + k, stream: (k % 7 ? 'stdout' : 'stderr') as 'stdout' | 'stderr', line: `${WORDS[rand(16)]} /api/v1/items/${rand(100_000)} ${WORDS[rand(16)]} ${WORDS[rand(16)]} took ${rand(900)}ms id=${k}${rare}` };
      });
      const from = offsets.get(s) ?? 0;
      const batch: LogBatch = { source: sources[s], file: `c-${s}/1`, fromOffset: from, toOffset: from + n * 100, lines };
      offsets.set(s, batch.toOffset);
      const t0 = nowMs();
      const cpu0 = process.cpuUsage();
      store.ingest([batch]);
      const cpu = process.cpuUsage(cpu0);
      ingestMs += nowMs() - t0;
      ingestCpuUs += cpu.user + cpu.system;
      done += n;
    }
    const ingestSeconds = ingestMs / 1000;
    // On a shared machine the wall-clock rate is also the other processes' load; CPU time is ours.
    const ingestCpuSeconds = ingestCpuUs / 1e6;

    const queries: LogQuery[] = [
      { text: 'needle7' }, { text: 'timeout retry' }, { text: 'slow', namespaces: ['ns-3'] },
      { text: 'GET', selector: 'app=app-5', limit: 100 }, { text: 'error' }, { namespaces: ['ns-1', 'ns-2'] },
      { text: 'cache miss', sinceMs: start + o.lines - 60_000 }, // the last minute of lines
    ];
    const samples: number[] = [];
    const slowest = queries.map(() => 0);
    const found = queries.map(() => 0);
    for (let i = 0; i < o.searches; i++) {
      const q = queries[i % queries.length];
      const t = nowMs();
      found[i % queries.length] = store.search({ limit: 100, ...q }).items.length;
      const ms = nowMs() - t;
      samples.push(ms);
      slowest[i % queries.length] = Math.max(slowest[i % queries.length], ms);
    }
    const search = summarize(samples);
    return {
      lines: o.lines,
      batch_lines: o.batchLines,
      ingest_lines_per_second: Math.round(o.lines / ingestSeconds),
      ingest_lines_per_cpu_second: Math.round(o.lines / ingestCpuSeconds),
      db_bytes: store.usedBytes(),
      search_ms: search,
      // Each query's slowest run and the lines it found (a query finding nothing measures little).
      searches_by_query: queries.map((q, i) => ({ query: q, max_ms: Math.round(slowest[i] * 100) / 100, found: found[i] })),
      targets: { ingest_lines_per_second: 50_000, search_p99_ms: 200 },
    };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
