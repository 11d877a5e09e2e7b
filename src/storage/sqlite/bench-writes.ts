// Write throughput and read latency of the SQLite store, printed as JSON:
//   node dist/src/storage/sqlite/bench-writes.js [--creates N] [--concurrency C] [--value-bytes B]
// 16 callers create 1 KiB values as fast as the store acknowledges them (each write durable), while
// the event loop's delay is sampled to show whether the writer keeps the process responsive; then
// a 10,000-key prefix is ranged at the current revision and at an older one.
import { mkdtempSync, rmSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { prefixEnd, type Store } from '../types.js';
import { SqliteStore } from './sqlite-store.js';

const { values: args } = parseArgs({
  options: {
    creates: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '16' },
    'value-bytes': { type: 'string', default: '1024' },
    'range-keys': { type: 'string', default: '10000' },
  },
});
const creates = Number(args.creates);
const concurrency = Number(args.concurrency);
const value = 'x'.repeat(Number(args['value-bytes']));
const rangeKeys = Number(args['range-keys']);

async function createAll(store: Store, prefix: string, total: number): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) await store.create(`${prefix}${String(next++).padStart(8, '0')}`, value);
  }));
}

async function timeRange(store: Store, prefix: string, revision?: number): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const res = await store.range(prefix, prefixEnd(prefix), { revision });
    runs.push(performance.now() - t);
    if (res.kvs.length !== rangeKeys) throw new Error(`range returned ${res.kvs.length} keys`);
  }
  return Math.min(...runs);
}

const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-'));
const store = await SqliteStore.open(join(dir, 'bench.db'));
try {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const start = performance.now();
  await createAll(store, '/registry/configmaps/bench/', creates);
  const seconds = (performance.now() - start) / 1000;
  delay.disable();

  await createAll(store, '/registry/secrets/ranged/', rangeKeys);
  const rangedAt = store.revision;
  await createAll(store, '/registry/secrets/other/', 1000);
  const ms = (n: number) => Math.round(n * 100) / 100;
  process.stdout.write(JSON.stringify({
    bench: 'storage-sqlite-writes',
    creates,
    concurrency,
    valueBytes: value.length,
    createsPerSecond: Math.round(creates / seconds),
    eventLoopDelayMs: { p50: ms(delay.percentile(50) / 1e6), p99: ms(delay.percentile(99) / 1e6), max: ms(delay.max / 1e6) },
    rangeKeys,
    rangeCurrentMs: ms(await timeRange(store, '/registry/secrets/ranged/')),
    rangeAtRevisionMs: ms(await timeRange(store, '/registry/secrets/ranged/', rangedAt)),
  }, null, 2) + '\n');
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
