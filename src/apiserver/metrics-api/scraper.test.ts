import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from '../../api/types/generated.js';
import { ResourceScraper } from './scraper.js';
import { UsageStore } from './usage-store.js';

const node = (name: string, ready: string, annotations: Record<string, string> = {}): Node => ({
  metadata: { name, annotations }, status: { conditions: [{ type: 'Ready', status: ready }] },
});

test('every Ready node is read each cycle within 90 % of the resolution; simulated and not-ready nodes are not', async () => {
  const nodes = [node('a', 'True'), node('b', 'False'), node('sim', 'True', { 'k8ts.io/simulated': 'true' }), node('down', 'True')];
  const asked: string[] = [];
  let cpu = 0;
  const logs: string[] = [];
  const store = new UsageStore();
  const scraper = new ResourceScraper({
    nodes: () => nodes, store, resolutionMs: 10_000, log: (msg, f) => logs.push(`${msg} ${f?.node}`),
    read: async (n, timeoutMs) => {
      asked.push(`${n.metadata?.name}:${timeoutMs}`);
      if (n.metadata?.name === 'down') throw new Error('connect: connection refused');
      cpu += 1;
      return `node_cpu_usage_seconds_total ${cpu}\nnode_memory_working_set_bytes 2048\n`;
    },
  });
  await scraper.cycle();
  await new Promise(r => setTimeout(r, 20));
  await scraper.cycle();
  assert.deepEqual(asked.sort(), ['a:9000', 'a:9000', 'down:9000', 'down:9000']);
  assert.equal(store.node('a')?.usage.memoryBytes, 2048);
  assert.ok((store.node('a')?.usage.cpuNanoCores ?? 0) > 0);
  assert.equal(store.node('down'), undefined);
  assert.deepEqual(logs, ['failed to scrape node down'], 'a node that keeps failing is logged once');
});
