import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import type { Container, PodSandbox } from '../cri/types.js';
import * as L from '../labels.js';
import { LogGarbageCollector, type LogGcOptions } from './log-gc.js';

// Real files on disk; the runtime's lists are given as CRI would answer them.
let root: string;
let sandboxes: PodSandbox[];
let containers: Container[];
const pods = new Set<string>();
const shipped = new Set<string>();

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'log-gc-'));
  sandboxes = [];
  containers = [];
  pods.clear();
  shipped.clear();
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const file = (rel: string, text = '2026-01-01T00:00:00Z stdout F hello\n') => {
  const path = join(root, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
};
const gc = (o: Partial<LogGcOptions> = {}) => new LogGarbageCollector({
  podLogRoot: root, log: () => {}, podExists: uid => pods.has(uid),
  runtime: { listPodSandbox: async () => sandboxes, listContainers: async () => containers },
  shipped: { shippedToEnd: async path => shipped.has(path) },
  ...o,
});
const container = (uid: string, name: string, attempt: number) => ({ labels: { [L.POD_UID]: uid, [L.CONTAINER_NAME]: name }, metadata: { name, attempt } }) as unknown as Container;

test('a deleted pod\'s directory waits for the shipper, then goes', async () => {
  const log = file('ns_web_u1/app/0.log');
  const c = gc();
  assert.deepEqual(await c.collect(1000), []);
  assert.ok(existsSync(log));
  shipped.add(log);
  assert.deepEqual(await c.collect(2000), [join(root, 'ns_web_u1')]);
  assert.equal(existsSync(join(root, 'ns_web_u1')), false);
});

test('an unreachable server delays removal by the bounded wait only', async () => {
  file('ns_web_u1/app/0.log');
  const c = gc({ maxShippingWaitMs: 60_000 });
  assert.deepEqual(await c.collect(1000), []);
  assert.deepEqual(await c.collect(60_999), []);
  assert.deepEqual(await c.collect(61_000), [join(root, 'ns_web_u1')]);
});

test('without shipping, garbage goes at once; live pods and containers stay', async () => {
  file('ns_gone_u1/app/0.log');
  file('ns_web_u2/app/0.log');
  file('ns_web_u2/app/0.log.20260101-000000.gz');
  file('ns_web_u2/app/1.log');
  file('ns_web_u2/app/1.log.20260101-000000');
  file('ns_web_u2/app/2.log');
  pods.add('u2');
  sandboxes = [{ labels: { [L.POD_UID]: 'u2' } } as unknown as PodSandbox];
  containers = [container('u2', 'app', 1), container('u2', 'app', 2)];
  const removed = await gc({ shipped: undefined }).collect();
  assert.deepEqual(removed.sort(), [join(root, 'ns_gone_u1'), join(root, 'ns_web_u2/app/0.log')]);
  assert.equal(existsSync(join(root, 'ns_web_u2/app/0.log.20260101-000000.gz')), false, 'the removed container\'s rotated files too');
  for (const kept of ['1.log', '1.log.20260101-000000', '2.log']) assert.ok(existsSync(join(root, 'ns_web_u2/app', kept)), kept);
});

test('compressed files are not waited for (the shipper does not read them)', async () => {
  const live = file('ns_web_u1/app/0.log');
  file('ns_web_u1/app/0.log.20260101-000000.gz', 'binary');
  shipped.add(live);
  assert.deepEqual(await gc().collect(), [join(root, 'ns_web_u1')]);
});
